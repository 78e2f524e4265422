// The service worker from the page's side: register it, offer an update when a new version is
// waiting, and reload once when the new version takes over (never a half-old app).
import { t } from "./i18n.js";

/** Register /sw.js (scope /) where the browser has service workers; false where it has none. */
export function registerWorker() {
  if (!("serviceWorker" in navigator)) return false;
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install takes control without a reload; an update reloads onto the new cache.
    if (!hadController || reloading) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).then(watchUpdates, (error) => {
    console.warn("shaodian: service worker not registered", error);
  });
  return true;
}

/** True when the page is controlled by this registration's worker (not by another one, like /v/sw.js). */
function controlledBy(registration) {
  const controller = navigator.serviceWorker.controller;
  return Boolean(controller && registration.active && controller.scriptURL === registration.active.scriptURL);
}

function watchUpdates(registration) {
  // A page whose navigation began before the first worker activated is not claimed by it; ask again.
  navigator.serviceWorker.ready.then((ready) => {
    if (!navigator.serviceWorker.controller && ready.active) ready.active.postMessage({ type: "claim" });
  });
  if (registration.waiting && controlledBy(registration)) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && controlledBy(registration)) offerUpdate(worker);
    });
  });
  // A page kept open for days still learns of a deploy.
  setInterval(() => registration.update().catch(() => {}), 30 * 60000);
}

function offerUpdate(worker) {
  if (document.getElementById("update-banner")) return;
  const banner = document.createElement("div");
  banner.id = "update-banner";
  banner.className = "notice update-banner";
  banner.setAttribute("role", "alert");
  banner.style.cssText = "position:fixed;left:8px;right:8px;bottom:8px;z-index:10;display:flex;gap:8px;" +
    "align-items:center;justify-content:space-between";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary";
  button.textContent = t("reload");
  button.addEventListener("click", () => {
    button.disabled = true;
    worker.postMessage({ type: "skip-waiting" });
  });
  banner.append(t("update_available"), button);
  document.body.append(banner);
}

/** Ask the worker to fetch the page shells again (e.g. in another language); resolves when done. */
export function refreshShells() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return Promise.resolve(false);
  return ask(worker, { type: "refresh-shells" });
}

/** Ask the worker to drop every cached response that belongs to the user (at logout). */
export function forgetUserResponses() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  return worker ? ask(worker, { type: "logout" }) : Promise.resolve(false);
}

function ask(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
    setTimeout(() => resolve(false), 10000);
  });
}
