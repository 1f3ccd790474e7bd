// The case page: long sections fold on a phone (materials, items, history), and the
// 一次性告知 form asks for a reason only for the lines the clerk leaves out.
(function () {
  "use strict";
  function ready(run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }
  ready(function () {
    if (window.matchMedia && window.matchMedia("(max-width: 700px)").matches) {
      document.querySelectorAll("details[data-fold-phone]").forEach(function (section) {
        if (!section.querySelector(".has-error, [aria-invalid=true]") &&
            location.hash.slice(1) !== section.id) {
          section.open = false;
        }
      });
    }
    document.querySelectorAll("input[data-keeps]").forEach(function (box) {
      var row = document.getElementById(box.getAttribute("data-keeps"));
      if (!row) return;
      function show() { row.hidden = box.checked; }
      box.addEventListener("change", show);
      show();
    });
    document.querySelectorAll(".delivery-form").forEach(function (form) {
      var post = form.querySelector(".post-fields");
      function show() {
        var chosen = form.querySelector("input[name=method]:checked");
        post.hidden = !chosen || chosen.value !== "post";
      }
      form.querySelectorAll("input[name=method]").forEach(function (radio) {
        radio.addEventListener("change", show);
      });
      show();
    });
  });
})();
