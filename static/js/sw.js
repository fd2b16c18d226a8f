// The diary's service worker, served at /sw.js (diary/public.py) so that its scope is the whole site; only a
// signed-in patient's pages register it (static/js/offline.js). What it keeps, and nothing else:
// - the app shell: the stylesheet, the scripts and the icon, and two pages fetched without cookies, so with
//   no one's data in them: /offline (shown for a page it cannot fetch) and /crisis;
// - the day form (/today, /day/<date>) as the signed-in patient last fetched it, for when there is no
//   connection.
// Pages are asked of the network first, always; a kept copy is used only when that fails. Never kept: any
// other page (history, progress, the clinic's pages), exports, charts, photos. A sign-in page that opens
// (so no one is signed in) drops the kept day forms, and signing out clears everything (the Clear-Site-Data
// header, diary/security.py). Days saved with no connection wait in IndexedDB (offline.js) and are sent
// from here by Background Sync, where the browser has it.
"use strict";
importScripts("/static/js/offline.js");

const SHELL = "diary-shell-v1";
const DAYS = "diary-days-v1";
const SHELL_FILES = ["/static/css/app.css", "/static/js/app.js", "/static/js/offline.js", "/static/icons/icon.svg"];
const PUBLIC_PAGES = ["/offline", "/crisis"];
const DAY_PAGE = /^\/(today|day\/\d{4}-\d{2}-\d{2})$/;
const SIGNED_OUT_PAGES = ["/login", "/register", "/forgot"];  // answered only to someone not signed in

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => Promise.all([
    // Just fetched by the page that registers this worker: from the browser's cache, not the network again.
    ...SHELL_FILES.map((path) => cache.add(new Request(path, {cache: "force-cache"}))),
    ...PUBLIC_PAGES.map((path) => cache.add(new Request(path, {credentials: "omit"}))),
  ])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== SHELL && name !== DAYS).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && request.method === "POST" && DAY_PAGE.test(url.pathname)) {
    // The page kept a copy before it sent the form (offline.js): with no answer, show the form again, where
    // that copy is shown as waiting to send.
    event.respondWith(fetch(request).catch(() => Response.redirect(url.pathname, 303)));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (SHELL_FILES.includes(url.pathname)) {
    event.respondWith(shellFile(request, url.pathname));
  }
});

// A page from the network, keeping a day form as it comes; when the network fails, the kept copy (a day form,
// or a public page kept at install), else /offline.
function page(event, url) {
  const path = url.pathname;
  const kind = DAY_PAGE.test(path) ? DAYS : PUBLIC_PAGES.includes(path) ? SHELL : null;
  return fetch(event.request).then((response) => {
    if (SIGNED_OUT_PAGES.includes(path) && response.status === 200) {
      event.waitUntil(caches.delete(DAYS));
    } else if (kind === DAYS && !url.search) {
      event.waitUntil(keepDay(path, response.ok && response.type === "basic" ? response.clone() : null));
    }
    return response;
  }, () => (kind ? caches.match(path, {cacheName: kind}) : Promise.resolve(null))
    .then((kept) => kept || caches.match("/offline", {cacheName: SHELL}))
    .then((kept) => kept || Response.error()));
}

// Keep the latest copy of a day form (or drop it when the day answers otherwise: a closed day, a redirect);
// forms of days more than a week ago go.
function keepDay(path, response) {
  return caches.open(DAYS).then((cache) => cache.keys().then((requests) => {
    const weekAgo = new Date(Date.now() - 8 * 86400000).toISOString().slice(0, 10);
    const old = requests.filter((kept) => {
      const day = new URL(kept.url).pathname.slice(5);
      return kept.url.includes("/day/") && day < weekAgo;
    });
    return Promise.all(old.map((kept) => cache.delete(kept)))
      .then(() => (response ? cache.put(path, response) : cache.delete(path)));
  }));
}

// The stylesheet, a script or the icon: from the network (which revalidates), the kept copy offline.
function shellFile(request, path) {
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(path, copy));
    }
    return response;
  }, () => caches.match(path, {cacheName: SHELL}).then((kept) => kept || Response.error()));
}

// A page opened before this worker kept it (a first visit) hands over its day form, as the diary sent it.
self.addEventListener("message", (event) => {
  const {keep, html} = event.data || {};
  if (typeof keep === "string" && DAY_PAGE.test(keep) && typeof html === "string") {
    const page = new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
    event.waitUntil(keepDay(keep, page));
  }
});

// Background Sync: send the days waiting on the phone once there is a connection; a network failure asks the
// browser to try again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== DiaryQueue.SYNC_TAG) return;
  event.waitUntil(DiaryQueue.sendAll().then((results) => {
    return self.clients.matchAll({type: "window"}).then((windows) => {
      windows.forEach((client) => client.postMessage({diaryQueue: results}));
      if (results.some((result) => result.state === "waiting")) throw new Error("not sent yet");
    });
  }));
});

// Reminders (Web Push): the payload is {title, body} and never holds health data; a tap opens the diary.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(self.registration.showNotification(message.title || "Time for your diary", {
    body: message.body || "",
    icon: "/static/icons/icon-192.png",
    data: {url: sameSitePath(message.url) || "/today"},
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || "/today";
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then((windows) => {
    const open = windows.find((client) => new URL(client.url).pathname === path && "focus" in client);
    return open ? open.focus() : self.clients.openWindow(path);
  }));
});

// A path on this site ("/checkin"), or null: a notification never opens another site.
function sameSitePath(value) {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : null;
}
