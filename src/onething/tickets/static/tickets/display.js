// The hall's display (叫号屏): htmx swaps the board in every 2 s; each new call (or
// recall: its data-call key changes) is read aloud once in Chinese where the browser can
// (Web Speech API). Browsers speak only after a person has touched the page, hence the
// button that turns the voice on. No inline script: CSP allows this file only.
(function () {
  var heard = {};
  var speaking = false;
  var canSpeak = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;

  function remembered() {
    try { return window.localStorage.getItem("onething.hall-voice"); } catch (e) { return null; }
  }
  function remember(value) {
    try {
      if (value) { window.localStorage.setItem("onething.hall-voice", value); }
      else { window.localStorage.removeItem("onething.hall-voice"); }
    } catch (e) { /* private mode: for this page only */ }
  }

  function calls() {
    return Array.prototype.slice.call(document.querySelectorAll("#board [data-call]"));
  }

  function say(text) {
    if (!speaking || !canSpeak) { return; }
    var words = new SpeechSynthesisUtterance(text);
    words.lang = "zh-CN";
    words.rate = 0.9;
    window.speechSynthesis.speak(words);
  }

  function announce() {
    // Oldest first, so that two calls in one refresh are read in the order they came.
    calls().reverse().forEach(function (call) {
      var key = call.getAttribute("data-call");
      if (heard[key]) { return; }
      heard[key] = true;
      say(call.getAttribute("data-spoken"));
      document.documentElement.setAttribute("data-last-call", key);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // What is on the board when the page opens has been called already: not read again.
    calls().forEach(function (call) { heard[call.getAttribute("data-call")] = true; });
    var button = document.querySelector("[data-speech]");
    if (button) {
      if (!canSpeak) {
        button.textContent = "本浏览器不支持语音播报";
        button.disabled = true;
      }
      var show = function () {
        button.setAttribute("aria-pressed", speaking ? "true" : "false");
        button.textContent = speaking ? "关闭语音播报" : "开启语音播报";
      };
      // Remembered on this screen: a display set up once speaks after a reload (where the
      // browser lets a page speak before a touch, e.g. a kiosk browser's autoplay policy).
      speaking = canSpeak && remembered() === "on";
      show();
      button.addEventListener("click", function () {
        speaking = !speaking;
        remember(speaking ? "on" : null);
        show();
        if (speaking) { say("语音播报已开启"); }
      });
    }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.target && event.target.id === "board") { announce(); }
    });
  });
})();
