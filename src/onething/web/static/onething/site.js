// Display preferences for older users (适老化): large text and high contrast,
// remembered on this device. Runs in <head> so the page never flashes.
(function () {
  var root = document.documentElement;
  var keys = { text: "large", contrast: "high" };
  function stored(name) {
    try { return window.localStorage.getItem("onething." + name); } catch (e) { return null; }
  }
  function store(name, value) {
    try {
      if (value) { window.localStorage.setItem("onething." + name, value); }
      else { window.localStorage.removeItem("onething." + name); }
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  Object.keys(keys).forEach(function (name) {
    if (stored(name) === keys[name]) { root.setAttribute("data-" + name, keys[name]); }
  });
  // A self-service kiosk opens the site once with ?kiosk=1 (and ?kiosk=0 undoes it).
  if (/[?&]kiosk=1/.test(window.location.search)) { store("kiosk", "on"); }
  if (/[?&]kiosk=0/.test(window.location.search)) { store("kiosk", null); }
  if (stored("kiosk") === "on") { root.setAttribute("data-kiosk", "on"); }
  document.addEventListener("DOMContentLoaded", function () {
    // A refused form is answered at the address it posted to; the page's own address goes
    // back in the bar (data-page-address), so that a reload reads it instead of posting.
    var refused = document.querySelector("[data-page-address]");
    if (refused) {
      window.history.replaceState(null, "", refused.getAttribute("data-page-address") + window.location.hash);
    }
    document.querySelectorAll("[data-toggle]").forEach(function (button) {
      var name = button.getAttribute("data-toggle");
      button.setAttribute("aria-pressed", String(root.getAttribute("data-" + name) === keys[name]));
      button.addEventListener("click", function () {
        var on = root.getAttribute("data-" + name) !== keys[name];
        if (on) { root.setAttribute("data-" + name, keys[name]); }
        else { root.removeAttribute("data-" + name); }
        store(name, on ? keys[name] : null);
        button.setAttribute("aria-pressed", String(on));
      });
    });
  });
})();
