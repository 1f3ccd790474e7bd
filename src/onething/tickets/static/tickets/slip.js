// The ticket slip: its print button (the print stylesheet keeps only the slip); at the
// kiosk the page goes back to 取号 after a minute, for the next person.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-print]");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
  var slip = document.querySelector("[data-return]");
  if (slip) {
    window.setTimeout(function () { window.location.assign(slip.getAttribute("data-return")); }, 60000);
  }
});
