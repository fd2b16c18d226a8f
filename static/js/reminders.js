// /reminders: turn notifications on or off on this device (Web Push). Without JavaScript, or in a browser
// without push, the section says so and email reminders work as they are. The service worker (/sw.js)
// shows what arrives and opens the diary when the notification is tapped.
(function () {
  "use strict";
  var section = document.getElementById("push");
  if (!section) { return; }
  var status = section.querySelector(".push-status");
  var actions = section.querySelector(".push-actions");
  var on = section.querySelector(".push-on");
  var off = section.querySelector(".push-off");
  var token = document.querySelector("input[name=csrf_token]");
  section.querySelector(".push-nojs").hidden = true;

  function say(text) { status.textContent = text; status.hidden = !text; }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    section.querySelector(".push-unsupported").hidden = false;
    return;
  }
  actions.hidden = false;

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? "Notifications are on for this device." : "");
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          throw new Error(answer.error || "The diary did not accept it (" + response.status + ").");
        });
      }
    });
  }

  function current() {
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  current().then(function (subscription) { show(Boolean(subscription)); }).catch(function () { show(false); });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error("Notifications are blocked for this site: allow them in the browser's settings.");
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.getAttribute("data-key"))
      });
    }).then(function (subscription) {
      return send(section.getAttribute("data-subscribe"), subscription.toJSON());
    }).then(function () {
      show(true);
    }).catch(function (error) {
      say("Notifications could not be turned on here. " + (error && error.message ? error.message : ""));
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    current().then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return send(section.getAttribute("data-unsubscribe"), { endpoint: endpoint });
      });
    }).then(function () {
      show(false);
    }).catch(function (error) {
      say("Notifications could not be turned off here. " + (error && error.message ? error.message : ""));
    }).then(function () { off.disabled = false; });
  });
})();
