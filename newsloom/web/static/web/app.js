// newsloom: register the service worker, offer installation, keep saved articles offline.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (reg) {
      var saved = document.querySelectorAll("[data-offline-url]");
      saved.forEach(function (el) {
        if (reg.active) reg.active.postMessage({ cache: el.getAttribute("data-offline-url") });
      });
    });
  }
  var deferred = null;
  var button = document.getElementById("install-app");
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    if (button) button.hidden = false;
  });
  if (button) {
    button.addEventListener("click", function () {
      if (!deferred) return;
      deferred.prompt();
      deferred.userChoice.finally(function () { deferred = null; button.hidden = true; });
    });
  }
})();
