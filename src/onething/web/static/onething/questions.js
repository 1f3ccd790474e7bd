// 情形引导 on a phone: the package's questions one screen at a time, the next one shown
// as soon as one is answered (the answer re-renders the page in place, keeping what was
// typed), with 上一题 / 下一题 to go back and change an answer, and "全部显示".
// Wider screens and browsers without JavaScript see every question at once.
(function () {
  var narrow = window.matchMedia("(max-width: 40rem)");
  var showAll = false;
  var current = null;

  function setup() {
    var section = document.querySelector(".questions[data-stepper]");
    if (!section) { return; }
    var sets = Array.prototype.slice.call(section.querySelectorAll("fieldset"));
    var old = section.querySelector(".stepper");
    if (old) { old.remove(); }
    sets.forEach(function (set) { set.hidden = false; });
    if (!narrow.matches || showAll || sets.length < 2) { return; }
    var open = sets.findIndex(function (set) { return !set.querySelector("input:checked"); });
    var index = open >= 0 ? open : (current !== null ? Math.min(current, sets.length - 1) : sets.length - 1);

    var bar = document.createElement("div");
    bar.className = "stepper";
    bar.innerHTML =
      '<button type="button" class="button secondary" data-step="-1">上一题</button>' +
      '<span class="stepper-count" aria-live="polite"></span>' +
      '<button type="button" class="button secondary" data-step="1">下一题</button>' +
      '<button type="button" class="link-button" data-step="all">全部显示</button>';
    section.appendChild(bar);
    var count = bar.querySelector(".stepper-count");

    function show(i) {
      index = Math.max(0, Math.min(i, sets.length - 1));
      current = index;
      sets.forEach(function (set, j) { set.hidden = j !== index; });
      count.textContent = "第 " + (index + 1) + " / " + sets.length + " 题";
      bar.querySelector('[data-step="-1"]').disabled = index === 0;
      bar.querySelector('[data-step="1"]').disabled = index === sets.length - 1;
    }
    bar.addEventListener("click", function (event) {
      var step = event.target.getAttribute("data-step");
      if (step === "all") { showAll = true; setup(); return; }
      if (step) { show(index + Number(step)); }
    });
    show(index);
  }

  document.addEventListener("DOMContentLoaded", setup);
  document.addEventListener("htmx:afterSettle", setup);
  narrow.addEventListener("change", setup);
})();

// What is typed while an answer's request is on its way is kept: the re-rendered form
// comes back with the values that were sent, so a field changed since then (the value
// on screen differs from the one sent) gets its value back after the swap.
(function () {
  var TYPED = "input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), textarea";
  var sent = null;
  var live = null;

  function values(root) {
    var found = {};
    if (!root) { return found; }
    root.querySelectorAll(TYPED).forEach(function (field) {
      if (field.name) { found[field.name] = field.value; }
    });
    return found;
  }
  function isBody(event) {
    var target = event.detail && event.detail.target;
    return target && target.id === "apply-body";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isBody(event)) { sent = values(event.detail.target); live = null; }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isBody(event)) { live = values(event.detail.target); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!sent || !live) { return; }
    var body = document.getElementById("apply-body");
    Object.keys(live).forEach(function (name) {
      if (live[name] === sent[name] || !body) { return; }
      var field = body.querySelector('[name="' + CSS.escape(name) + '"]');
      if (field && field.matches(TYPED)) { field.value = live[name]; }
    });
    sent = live = null;
  });
})();
