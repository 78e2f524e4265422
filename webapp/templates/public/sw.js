// The volunteers' pages (/v/…) offline: network first, the last good copy when there is no signal.
// A link that the server answers 404/410 (expired, withdrawn) is removed from the cache.
const CACHE = "{{ cache_name }}";
const OFFLINE = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
  "<p>" +
  {{ _("No signal, and this page was never opened on this phone. Try again when you are online.") | e | tojson }} + "</p>";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const isPage = url.pathname.startsWith({{ scope | tojson }}) && !url.pathname.endsWith(".ics") && !url.pathname.endsWith(".js");
  // The page's styles and script, at this deploy's /static/<hash>/ or an older page's plain /static/.
  const isAsset = /^\/static\/(?:[0-9a-f]{12}\/)?(?:css\/.+|js\/volunteer\.js)$/.test(url.pathname);
  if (isPage || isAsset) event.respondWith(networkFirst(request, isPage));
});

async function networkFirst(request, isPage) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    else if (isPage && (response.status === 404 || response.status === 410)) await cache.delete(request);
    return response;
  } catch (error) {
    const copy = await cache.match(request, {ignoreVary: true});
    if (copy) return copy;
    if (isPage) return new Response(OFFLINE, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
    throw error;
  }
}
