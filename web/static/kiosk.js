// The kiosk goes back to its start page after some seconds without a touch or a key.
// Nothing is stored in the browser. Without JavaScript, a refresh in the page does it.
(function () {
  var script = document.currentScript;
  var home = script.getAttribute("data-home");
  var seconds = Number(script.getAttribute("data-idle")) || 60;
  var timer = 0;
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace(home); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();
