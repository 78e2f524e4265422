// The volunteer's personal page (/v/<token>): the print button, and the offline copy. A small
// service worker for /v/ pages (network first, cache fallback); the page stores itself and its
// assets in that cache right away, so it reads offline even if the worker only takes control on
// the next visit. The worker's address, scope, cache and assets come from this script's data-*.
const config = document.currentScript.dataset;

document.getElementById("print").addEventListener("click", () => window.print());
if (!navigator.onLine) document.getElementById("offline-note").hidden = false;
if ("serviceWorker" in navigator && "caches" in window) {
  navigator.serviceWorker.register(config.worker, { scope: config.scope })
    .then(() => caches.open(config.cache))
    .then((cache) => cache.addAll([location.pathname, ...config.assets.split(" ")]))
    .catch(() => {});
}
