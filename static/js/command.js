// The command view (/command): keep the last one opened on this phone, so that it reads offline
// (/field/dashboard shows it), with the time of its figures and how many classes had synced then.
import { setMeta } from "./db.js";

const view = document.getElementById("command");
if (view) {
  const { url, at, synced, units, title } = view.dataset;
  const who = document.querySelector(".topbar .who");
  setMeta("dashboard", { url, at, synced: Number(synced), units: Number(units), title,
    who: who ? who.textContent.trim() : "", saved: new Date().toISOString(), html: view.innerHTML })
    .catch(() => { /* private mode without IndexedDB: the page still works online */ });
}
