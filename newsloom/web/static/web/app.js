// newsloom: register the service worker, offer installation, keep saved articles offline,
// keep relative times current.
(function () {
  "use strict";
  // "2 hours ago" was right when the page was rendered; a page served from the cache or
  // left open (an installed app) gets its relative times recomputed every minute.
  var root = document.documentElement;
  var rendered = Date.parse(root.getAttribute("data-rendered") || "");
  if (window.Intl && Intl.RelativeTimeFormat && !isNaN(rendered)) {
    var format = new Intl.RelativeTimeFormat(root.lang || "en", { numeric: "auto" });
    var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
                 ["hour", 3600], ["minute", 60]];
    var label = function (seconds) {
      for (var i = 0; i < units.length; i++) {
        if (seconds >= units[i][1]) {
          return format.format(-Math.floor(seconds / units[i][1]), units[i][0]);
        }
      }
      return format.format(0, "second");
    };
    var refresh = function () {
      if (Date.now() - rendered < 60000) return;
      document.querySelectorAll("time[datetime]").forEach(function (el) {
        var when = Date.parse(el.getAttribute("datetime"));
        if (!isNaN(when)) el.textContent = label(Math.max(0, (Date.now() - when) / 1000));
      });
    };
    refresh();
    setInterval(refresh, 60000);
  }
  // the language menu applies on change (a script, not an inline handler: the
  // Content-Security-Policy allows no inline code)
  var languages = document.getElementById("lang-switch");
  if (languages) {
    languages.addEventListener("change", function () { languages.form.submit(); });
  }
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
