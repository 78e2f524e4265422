// Shaodian's service worker. Served by the pwa blueprint at /sw.js (scope /), with the version and
// the lists filled in: the version is the content hash of every precached response, so a deploy
// that changes any of them changes this file byte for byte and phones install the new one.
"use strict";

const VERSION = "__VERSION__";
const CACHE = `shaodian-${VERSION}`;
const PRECACHE = __PRECACHE__;   // every asset of the app shell, fetched into one cache
const LOCALIZED = __LOCALIZED__; // the pages rendered in the user's language (fetched again when it changes)
const SHELLS = __SHELLS__;       // field screens: served from the cache first, also offline
const STATIC = __STATIC__;       // this version's static prefix, /static/<hash of every file>/
const OPENAPI = "/api/v1/openapi.json";  // the kinds' bounds; may need a login, so not required
const OFFLINE = "/offline";
const LAST_COMMAND = "/field/dashboard";  // the command view (/command) offline: the last one opened

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const cache = await caches.open(CACHE);
  // cache: "reload" skips the HTTP cache: every file comes from this deploy, none from an older one.
  await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
  await keepOpenapi(cache);
}

async function keepOpenapi(cache) {
  try {
    const response = await fetch(OPENAPI, { cache: "reload", credentials: "same-origin" });
    if (response.ok) await cache.put(OPENAPI, response);
  } catch (error) {
    // offline or not logged in yet: the page fetches it later through networkFirst().
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    // Only this worker's own old versions: other caches (the volunteers' pages, /v/sw.js) are not ours.
    await Promise.all(names.filter((name) => name.startsWith("shaodian-") && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skip-waiting") self.skipWaiting();
  else if (type === "claim") event.waitUntil(self.clients.claim());
  else if (type === "refresh-shells") event.waitUntil(reply(event, refetch(LOCALIZED)));
  else if (type === "logout") event.waitUntil(reply(event, forgetUser()));
});

async function reply(event, work) {
  let answer = true;
  try {
    await work;
  } catch (error) {
    answer = false;
  }
  if (event.ports && event.ports[0]) event.ports[0].postMessage(answer);
}

async function refetch(urls) {
  const cache = await caches.open(CACHE);
  await cache.addAll(urls.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
}

async function forgetUser() {
  // Only the shell (no user data in it) stays; anything else kept for this user goes.
  const cache = await caches.open(CACHE);
  const keep = new Set(PRECACHE);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (!keep.has(path) && path !== OPENAPI) await cache.delete(request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === OPENAPI) event.respondWith(networkFirst(request, OPENAPI));
  else if (url.pathname.startsWith("/api/")) return;  // data is never cached here
  else if (SHELLS.includes(url.pathname) || PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(url.pathname, request));
  } else if (PRECACHE.includes(staticKey(url.pathname))) {
    event.respondWith(cacheFirst(staticKey(url.pathname), request));
  } else if (request.mode === "navigate") event.respondWith(officePage(request));
});

function staticKey(path) {
  // A static file named without this version (/static/js/db.js, or an older deploy's
  // /static/<hash>/js/db.js, from a page kept before an update): this version's copy.
  const match = /^\/static\/(?:[0-9a-f]{12}\/)?(.+)$/.exec(path);
  return match ? STATIC + match[1] : null;
}

async function cacheFirst(key, request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(key)) || fetch(request);
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(key)) || Response.error();
  }
}

async function officePage(request) {
  // Office pages need the server; without it, a clear notice instead of the browser's error page.
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const fallback = new URL(request.url).pathname === "/command" ? LAST_COMMAND : OFFLINE;
    return (await cache.match(fallback)) || (await cache.match(OFFLINE)) || Response.error();
  }
}

self.addEventListener("sync", (event) => {
  // Background Sync: wake the open field screens, whose sync loop sends the outbox.
  if (event.tag === "shaodian-outbox") event.waitUntil(wakeClients());
});

async function wakeClients() {
  const windows = await self.clients.matchAll({ type: "window" });
  windows.forEach((client) => client.postMessage({ type: "sync" }));
}
