// Days saved on this phone with no connection (DESIGN.md "Offline"). A copy of the day form is kept in
// IndexedDB before it is sent; with no connection (or no answer) it waits there, shown as "waiting to send",
// and is sent when the connection returns: by Background Sync in the service worker (static/js/sw.js) where
// the browser has it, else when a page opens or the browser is back online. The diary's upsert keeps a day
// sent twice one entry. A copy the diary refuses (a day too long ago, a newer save of the day) stays here,
// with the reason, until the patient discards it: nothing is lost without being said.
// Loaded by a patient's pages (base.html) and by the service worker (importScripts); the page part runs in
// pages only. Signing out clears it all (here, and by the sign-out's Clear-Site-Data header).
"use strict";
(function (scope) {
  const SYNC_TAG = "diary-days";
  const DB_NAME = "diary";
  const STORE = "days";
  const CSRF = /name="csrf_token"[^>]*value="([^"]+)"/;
  const USER = /data-user="(\d+)"/;

  // One IndexedDB transaction on the store; resolves with the request's result once it is committed.
  function withStore(mode, work) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, {keyPath: "key"});
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = () => { db.close(); reject(tx.error); };
      };
    });
  }
  const all = () => withStore("readonly", (store) => store.getAll());
  const put = (item) => withStore("readwrite", (store) => store.put(item));
  const remove = (key) => withStore("readwrite", (store) => store.delete(key));

  // Send every waiting copy (of `user` only, in a page; the worker does not know who is signed in, but a
  // stale session's copy is sent only once the signed-in account is shown to be its own: see freshToken).
  // One sender at a time across pages and the worker, where the browser has Web Locks.
  function sendAll(user) {
    const run = () => all().then((items) => items
      .filter((item) => item.state === "waiting" && (!user || item.user === user))
      .reduce((done, item) => done.then((results) => send(item, false).then((result) => results.concat(result))),
        Promise.resolve([])));
    const locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request(SYNC_TAG, run) : run();
  }

  // POST one copy as the form would, asking for JSON; `saved_at` lets a newer save of the day win over it.
  function send(item, retried) {
    const body = new URLSearchParams(item.body);
    body.set("saved_at", String(item.savedAt));
    return fetch(item.url, {method: "POST", body, credentials: "same-origin", headers: {Accept: "application/json"}})
      .then((response) => {
        if (response.redirected && new URL(response.url).pathname === "/login") {
          return keep(item, "waiting", "Sign in and it will be sent.");
        }
        if (response.status === 400 && !retried) {
          return freshToken(item).then((fresh) => (fresh ? send(fresh, true) : keep(item, "waiting", "")));
        }
        if (!(response.headers.get("Content-Type") || "").startsWith("application/json")) {
          return keep(item, "waiting", "");  // the diary could not take it now: try again later
        }
        return response.json().then((answer) => (answer.status === "saved"
          ? remove(item.key).then(() => ({...item, state: "sent", message: answer.message, advice: answer.advice}))
          : keep(item, "refused", answer.message, answer.advice)));
      }, () => ({...item, state: "waiting"}));  // no connection: it stays as it is
  }

  function keep(item, state, message, advice) {
    const kept = {...item, state, message};
    return put(kept).then(() => ({...kept, advice}));
  }

  // The form's token expires with the session it came from: read a fresh one from the day form, but only when
  // the account signed in now is the one that made the copy (else null, and the copy waits).
  function freshToken(item) {
    return fetch("/today", {credentials: "same-origin"}).then((response) => response.text().then((html) => {
      const user = html.match(USER);
      const token = html.match(CSRF);
      if (response.redirected || !user || user[1] !== item.user || !token) return null;
      const body = new URLSearchParams(item.body);
      body.set("csrf_token", token[1]);
      const fresh = {...item, body: body.toString()};
      return put(fresh).then(() => fresh);
    }), () => null);
  }

  scope.DiaryQueue = {SYNC_TAG, sendAll};
  if (typeof document === "undefined") return;

  // ---- In a page ----
  const script = document.currentScript;
  const user = script && script.dataset.user;  // absent on /offline, which shows no one's days
  const form = document.querySelector("form.entry");
  const answered = document.querySelector("[data-answered]");  // this page is the diary's answer to a save
  let banner = null;
  let sending = null;
  let shown = [];  // this visit's results (sent copies are no longer stored)

  function start() {
    registerWorker();
    settle().then(() => render([])).then(() => navigator.onLine && sendNow());
    window.addEventListener("online", sendNow);
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.diaryQueue) render(event.data.diaryQueue);
      });
    }
    if (form && user) form.addEventListener("submit", keepThenSend);
    document.querySelectorAll("form[action$='/logout'], form[action$='/sign-out-everywhere'], form[action$='/account/delete']")
      .forEach((signOut) => signOut.addEventListener("submit", clearThenSignOut));
  }

  function registerWorker() {
    if (!user || !navigator.serviceWorker) return;
    // The day form as the diary sent it, before anything here changes it.
    const html = form && !answered && !location.search ? "<!doctype html>\n" + document.documentElement.outerHTML : null;
    navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready).then((registration) => {
      // Opened before the worker kept it (a first visit): hand it over rather than have it fetched again.
      if (!html) return null;
      return caches.match(location.pathname, {cacheName: "diary-days-v1"}).then((kept) => {
        if (!kept && registration.active) registration.active.postMessage({keep: location.pathname, html});
      });
    }).catch(() => null);
  }

  // Copies kept just before a save went out: the diary answered the ones for this page's day; any other never
  // got an answer (no connection after all), so it waits. A waiting copy of this form's day is shown in it.
  function settle() {
    return all().then((items) => Promise.all(items.filter((item) => item.user === user).map((item) => {
      if (item.state !== "pending") return item;
      if (answered && answered.dataset.answered === item.day) return remove(item.key);
      return keep(item, "waiting", "").then(() => registerSync());
    }))).then(() => freshen()).then(showWaitingCopy).catch(() => null);
  }

  function showWaitingCopy() {
    if (!form || answered || !user) return null;
    return all().then((items) => {
      const copy = items.find((item) => item.user === user && item.day === form.elements.day.value && item.state === "waiting");
      if (copy) fillForm(copy.body);
    });
  }

  function keepThenSend(event) {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const day = form.elements.day.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return form.submit();  // the diary says what is wrong with it
    const offline = !navigator.onLine;
    const item = {
      key: user + "/" + day, user, day, url: "/day/" + day, state: offline ? "waiting" : "pending", message: "",
      body: new URLSearchParams(new FormData(form)).toString(), savedAt: Date.now(),
    };
    button.disabled = true;
    return put(item).then(() => {
      if (!offline) return form.submit();
      button.disabled = false;
      registerSync();
      return render([{...item, advice: adviceFor(item)}]).then(() => {
        banner.scrollIntoView({block: "start"});
        banner.focus({preventScroll: true});
      });
    }, () => {
      if (!offline) return form.submit();
      button.disabled = false;
      return note("This phone could not keep the day: it is not saved. Try again when there is a connection.");
    });
  }

  function registerSync() {
    if (!navigator.serviceWorker) return null;
    return navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
      .catch(() => null);
  }

  function sendNow() {
    if (!user) return Promise.resolve();
    sending = sending || sendAll(user).then(render, () => null).then(() => { sending = null; });
    return sending;
  }

  // ---- What the page says about the copies ----
  function render(results) {
    shown = shown.filter((old) => !results.some((result) => result.key === old.key)).concat(results);
    return all().then((items) => {
      const mine = items.filter((item) => !user || item.user === user);
      const sent = shown.filter((result) => result.state === "sent" && !mine.some((item) => item.key === result.key));
      const lines = mine.concat(sent).filter((item) => item.state !== "pending");
      if (!lines.length) {
        if (banner) banner.remove();
        banner = null;
        return;
      }
      place();
      banner.hidden = false;
      banner.replaceChildren();
      if (!user) {
        const count = lines.length;
        banner.append(text("p", `${count} day${count > 1 ? "s" : ""} saved on this phone ${count > 1 ? "have" : "has"} not been sent yet.`));
        return;
      }
      const list = document.createElement("ul");
      list.className = "plain";
      lines.sort((a, b) => (a.day < b.day ? -1 : 1)).forEach((item) => {
        const result = shown.find((one) => one.key === item.key) || item;
        list.append(line(item, result.advice));
      });
      banner.append(list);
    }).catch(() => null);
  }

  function line(item, advice) {
    const li = document.createElement("li");
    const day = dayName(item.day);
    if (item.state === "sent") {
      li.append(text("p", `Sent: ${item.message}`));
    } else if (item.state === "waiting") {
      li.append(text("p", `${day}: Waiting to send — saved on this phone. It is sent when the connection returns. ${item.message || ""}`));
    } else {
      li.append(text("p", `${day} could not be sent: ${item.message}`));
      li.append(contents(item));
      const actions = document.createElement("p");
      actions.className = "actions";
      if (form && form.elements.day.value === item.day) actions.append(button("Put this copy in the form", () => fillForm(item.body)));
      actions.append(button("Discard this copy", () => remove(item.key).then(() => render([]))));
      li.append(actions);
    }
    if (typeof advice === "string" && advice) {
      const panels = document.createElement("div");
      panels.innerHTML = advice;  // the diary's own safety panels (templates/_crisis.html), escaped there
      li.append(panels);
    } else if (advice instanceof Node) {
      li.append(advice);
    }
    return li;
  }

  // What a refused copy holds, so that nothing in it is lost unseen.
  function contents(item) {
    const details = document.createElement("details");
    details.append(text("summary", "What this copy holds"));
    const values = [...new URLSearchParams(item.body)].filter(([name, value]) => value && !["csrf_token", "day"].includes(name));
    details.append(text("p", values.map(([name, value]) => `${name.replace(/_/g, " ")}: ${value}`).join(" · ")));
    return details;
  }

  // A day kept with a warning sign ticked cannot wait for the connection: the advice is shown at once.
  function adviceFor(item) {
    const template = document.getElementById("offline-advice");
    if (!template) return null;
    const ticked = new URLSearchParams(item.body).getAll("symptoms");
    const signs = template.dataset.signs.split(" ");
    if (!ticked.some((name) => signs.includes(name))) return null;
    const advice = template.content.cloneNode(true);
    if (!ticked.includes("self_harm_thoughts")) advice.querySelectorAll(".crisis").forEach((panel) => panel.remove());
    const box = document.createElement("div");
    box.append(advice);
    return box;
  }

  function place() {
    if (banner) return;
    banner = document.createElement("div");
    banner.className = "notice queue";
    banner.id = "on-this-phone";
    banner.setAttribute("role", "status");
    banner.tabIndex = -1;
    const heading = document.querySelector("main h1");
    if (heading) heading.after(banner);
    else document.getElementById("main").prepend(banner);
  }

  function note(message) {
    const said = text("p", message);
    said.className = "notice info";
    said.setAttribute("role", "status");
    const heading = document.querySelector("main h1");
    if (heading) heading.after(said);
  }

  // ---- The form ----
  function fillForm(body) {
    const values = new URLSearchParams(body);
    for (const field of form.elements) {
      if (!field.name || ["csrf_token", "day"].includes(field.name) || field.type === "submit") continue;
      const sent = values.getAll(field.name);
      if (field.type === "radio" || field.type === "checkbox") field.checked = sent.includes(field.value);
      else field.value = sent[0] || "";
    }
  }

  // A /today kept from an earlier day, opened with no connection: the form now fills in the phone's today.
  function freshen() {
    const dayField = form && form.elements.day;
    const today = isoDay(new Date());
    if (!dayField || navigator.onLine || location.pathname !== "/today" || !(dayField.value < today)) return;
    const kept = dayField.value;
    fillForm(new URLSearchParams({sunburn: "none", dose_mg: form.elements.dose_mg.value}).toString());
    dayField.max = today;
    dayField.value = today;
    document.querySelectorAll(".saved-already, .same-as").forEach((old) => { old.hidden = true; });
    const date = document.querySelector("h1 .date");
    if (date) date.textContent = dayName(today);
    note(`No connection: this form was kept from ${dayName(kept)}; it now fills in ${dayName(today)}.`);
  }

  // ---- Signing out ----
  // Send what can be sent, say what cannot, then clear everything this phone kept (the sign-out's
  // Clear-Site-Data header does the same where the browser supports it).
  function clearThenSignOut(event) {
    const signOut = event.currentTarget;
    event.preventDefault();
    const leave = () => signOut.submit();
    (navigator.onLine ? sendNow() : Promise.resolve())
      .then(all)
      .then((items) => {
        const left = items.filter((item) => item.user === user).length;
        const lose = `${left} day${left > 1 ? "s" : ""} saved on this phone could not be sent. Sign out anyway and lose ${left > 1 ? "them" : "it"}?`;
        if (left && !window.confirm(lose)) return null;
        return clearAll().then(leave);
      })
      .catch(leave);
  }

  function clearAll() {
    const steps = [new Promise((done) => {
      const deleting = indexedDB.deleteDatabase(DB_NAME);
      deleting.onsuccess = deleting.onerror = deleting.onblocked = done;
    })];
    if (window.caches) steps.push(caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name)))));
    if (navigator.serviceWorker) {
      steps.push(navigator.serviceWorker.getRegistrations()
        .then((registrations) => Promise.all(registrations.map((registration) => registration.unregister()))));
    }
    return Promise.race([Promise.all(steps), new Promise((done) => setTimeout(done, 2000))]);
  }

  // ---- Small helpers ----
  function text(tag, content) {
    const element = document.createElement(tag);
    element.textContent = content;
    return element;
  }

  function button(label, action) {
    const element = text("button", label);
    element.type = "button";
    element.addEventListener("click", action);
    return element;
  }

  function isoDay(date) {
    return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  function dayName(iso) {
    return new Date(iso + "T12:00:00Z").toLocaleDateString("en-GB", {weekday: "short", day: "numeric", month: "short", timeZone: "UTC"});
  }

  start();
})(self);
