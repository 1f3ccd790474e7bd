// 签名板: the citizen signs on the window's tablet (a <canvas>, finger, pen or mouse);
// on submit the drawing goes along as a PNG (data: URL). Nothing drawn, nothing sent:
// the server then refuses the missing signature.
(function () {
  "use strict";
  var pad = document.getElementById("signature-pad");
  var form = document.getElementById("signature-form");
  if (!pad || !form) return;
  var ink = pad.getContext("2d");
  var drawing = false;
  var drawn = false;
  ink.lineWidth = 4;
  ink.lineCap = "round";
  ink.lineJoin = "round";
  ink.strokeStyle = "#111";

  function point(event) {
    var box = pad.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (pad.width / box.width),
      y: (event.clientY - box.top) * (pad.height / box.height),
    };
  }
  pad.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    var at = point(event);
    ink.beginPath();
    ink.moveTo(at.x, at.y);
  });
  pad.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var at = point(event);
    ink.lineTo(at.x, at.y);
    ink.stroke();
    drawn = true;
  });
  function stop() { drawing = false; }
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);
  document.getElementById("signature-clear").addEventListener("click", function () {
    ink.clearRect(0, 0, pad.width, pad.height);
    drawn = false;
  });
  form.addEventListener("submit", function () {
    document.getElementById("signature-data").value = drawn ? pad.toDataURL("image/png") : "";
  });
})();
