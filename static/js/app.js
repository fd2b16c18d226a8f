// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Offer the browser's time zone at registration so "today" is the patient's own day.
  var tz = document.querySelector("input[name=timezone]");
  if (tz && !tz.value && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep the default */ }
  }
  // A second tap on Save while the first is on its way does nothing (the server would only update the same day).
  document.querySelectorAll("form.entry").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
