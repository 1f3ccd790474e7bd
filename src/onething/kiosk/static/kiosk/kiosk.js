// 自助终端 (html[data-kiosk=on]), on every page: an on-screen keypad for ID numbers and
// phones, the ID-card reader interface, the idle timeout that ends the session and clears
// the screen and the browser's storage, and a 打印 button on the printable pages.
//
// Card reader: the reader's driver (or the simulated reader) calls
//   window.onethingCardReader.read({ name: "张三", idNumber: "142331198503151231" })
// or dispatches  document.dispatchEvent(new CustomEvent("onething:card", { detail: {…} }));
// on the kiosk's start page either signs the person in (the server checks the account).
(function () {
  var root = document.documentElement;
  var KEEP = ["onething.kiosk", "onething.kiosk_home", "onething.kiosk_idle", "onething.kiosk_countdown"];
  function stored(name) {
    try { return window.localStorage.getItem("onething." + name); } catch (e) { return null; }
  }
  function store(name, value) {
    try { window.localStorage.setItem("onething." + name, value); } catch (e) { /* private mode */ }
  }

  // Everything personal goes: storage other than the kiosk's own settings, and the forms.
  function clearPersonal() {
    try { window.sessionStorage.clear(); } catch (e) { /* none */ }
    try {
      var names = [];
      for (var i = 0; i < window.localStorage.length; i++) { names.push(window.localStorage.key(i)); }
      names.forEach(function (name) { if (KEEP.indexOf(name) < 0) { window.localStorage.removeItem(name); } });
    } catch (e) { /* none */ }
    document.querySelectorAll("form").forEach(function (form) { form.reset(); });
    document.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (field) { field.value = ""; });
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // The session ends on the server (a posted form, not a script's request: the page goes
  // with it), after the screen is emptied.
  function endSession() {
    var main = document.getElementById("main");
    if (main) { main.textContent = ""; }
    document.querySelectorAll(".account .who").forEach(function (who) { who.textContent = ""; });
    clearPersonal();
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/kiosk/end";
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrfToken();
    form.appendChild(token);
    document.body.appendChild(form);
    form.submit();
  }

  function idleTimeout(start) {
    var idle = parseInt(stored("kiosk_idle") || "60", 10);
    var countdown = parseInt(stored("kiosk_countdown") || "10", 10);
    var overlay = document.createElement("div");
    overlay.className = "kiosk-countdown";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-live", "assertive");
    overlay.hidden = true;
    overlay.innerHTML = '<p class="kiosk-countdown-text">长时间无操作，<strong data-seconds></strong> 秒后将退出并清除屏幕上的信息。</p>' +
      '<button type="button" class="button big-button" data-stay>继续使用</button>';
    document.body.appendChild(overlay);
    var shown = overlay.querySelector("[data-seconds]");
    var left = -1, timer = null;
    function tick() {
      left -= 1;
      if (left <= 0) { window.clearInterval(timer); endSession(); return; }
      shown.textContent = String(left);
    }
    function wait() {
      if (timer) { window.clearInterval(timer); window.clearTimeout(timer); }
      overlay.hidden = true;
      timer = window.setTimeout(function () {
        left = countdown + 1;
        overlay.hidden = false;
        tick();
        timer = window.setInterval(tick, 1000);
      }, idle * 1000);
    }
    ["pointerdown", "touchstart", "keydown", "input", "wheel"].forEach(function (name) {
      document.addEventListener(name, wait, { passive: true, capture: true });
    });
    wait();
    return start;
  }

  function keypad() {
    var fields = document.querySelectorAll(
      'input[data-keypad], input[type="tel"], input[inputmode="numeric"], input[name*="id_number"], input[name*="phone"], input[maxlength="18"][autocapitalize="characters"]'
    );
    if (!fields.length) { return; }
    var pad = document.createElement("div");
    pad.className = "kiosk-keypad";
    pad.setAttribute("role", "group");
    pad.setAttribute("aria-label", "屏幕数字键盘");
    pad.hidden = true;
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "⌫", "清空", "完成"].forEach(function (key) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kiosk-key";
      button.textContent = key;
      button.setAttribute("data-key", key);
      pad.appendChild(button);
    });
    document.body.appendChild(pad);
    var target = null;
    function show(field) {
      target = field;
      var digitsOnly = field.getAttribute("data-keypad") === "digits" || field.type === "tel" || field.name.indexOf("phone") >= 0;
      pad.querySelector('[data-key="X"]').disabled = digitsOnly;
      pad.hidden = false;
    }
    fields.forEach(function (field) {
      field.setAttribute("inputmode", "none");  // the pad, not the system's keyboard
      field.addEventListener("focus", function () { show(field); });
    });
    pad.addEventListener("pointerdown", function (event) { event.preventDefault(); });  // keep focus
    pad.addEventListener("click", function (event) {
      var key = event.target.getAttribute && event.target.getAttribute("data-key");
      if (!key || !target) { return; }
      if (key === "完成") { pad.hidden = true; target.blur(); return; }
      var max = parseInt(target.getAttribute("maxlength") || "64", 10);
      if (key === "⌫") { target.value = target.value.slice(0, -1); }
      else if (key === "清空") { target.value = ""; }
      else if (target.value.length < max) { target.value += key; }
      target.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function cardReader() {
    // The reader's software hands over a signed reading ({reading, signature}): the
    // page relays it; the server checks the reader's signature, the kiosk and the time.
    var form = document.querySelector("[data-card-reader]");
    var reader = {
      read: function (card) {
        if (!form || !card || !card.reading || !card.signature) { return false; }
        form.querySelector('[name="reading"]').value = card.reading;
        form.querySelector('[name="signature"]').value = card.signature;
        var state = form.querySelector("[data-reader-state]");
        if (state) { state.textContent = "已读取身份证，正在登录……"; }
        form.submit();
        return true;
      }
    };
    window.onethingCardReader = reader;
    document.addEventListener("onething:card", function (event) { reader.read(event.detail); });
  }

  var PRINTABLE = [/^\/cases\/[0-9a-f-]{36}$/, /^\/guides\/[\w-]+$/, /^\/licences\/[^/]+$/];

  function printButton() {
    var path = window.location.pathname;
    if (document.querySelector("[data-print]")) { return; }  // the page has its own
    if (!PRINTABLE.some(function (pattern) { return pattern.test(path); })) { return; }
    var main = document.getElementById("main");
    if (!main) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button big-button kiosk-print";
    button.textContent = "打印";
    button.setAttribute("data-print", "");
    button.addEventListener("click", function () { window.print(); });
    main.insertBefore(button, main.firstChild);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var home = document.querySelector("[data-kiosk-home]");
    if (home) {
      store("kiosk", "on");
      root.setAttribute("data-kiosk", "on");
      store("kiosk_home", home.getAttribute("data-kiosk-home"));
      store("kiosk_idle", home.getAttribute("data-kiosk-idle"));
      store("kiosk_countdown", home.getAttribute("data-kiosk-countdown"));
      if (/[?&]ended=1/.test(window.location.search)) { clearPersonal(); }
    }
    if (root.getAttribute("data-kiosk") !== "on") { return; }
    keypad();
    cardReader();
    printButton();
    var signedIn = !!document.querySelector(".account .who");
    if (stored("kiosk_home") && (signedIn || !home)) { idleTimeout(); }
  });
})();
