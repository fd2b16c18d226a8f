// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Offer the browser's time zone at registration so "today" is the patient's own day (the select keeps
  // "Choose…" when the browser names a zone it does not list; the patient can still choose one).
  var tz = document.querySelector("[data-detect-timezone]");
  if (tz && !tz.value && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep the default */ }
    if (!tz.value && tz.options) { tz.selectedIndex = 0; }
  }
  // A second tap on Save while the first is on its way does nothing (the server would only update the same day).
  document.querySelectorAll("form.entry").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
