// The last command view opened on this phone, read offline: its figures as they were, with their time.
import { getMeta } from "../db.js";

const $ = (id) => document.getElementById(id);

function words(name, vars = {}) {
  return ($("words").dataset[name] || "").replace(/\{(\w+)\}/g, (_, key) => String(vars[key] ?? ""));
}

function local(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function show() {
  const last = await getMeta("dashboard").catch(() => null);
  if (!last) {
    $("last-state").textContent = words("none");
    return;
  }
  $("last-state").textContent = words("state", { time: local(last.at), synced: last.synced, units: last.units });
  $("last-state").className = "notice";
  const view = $("last-view");
  view.innerHTML = last.html;  // the server's own page, kept on this phone as it was rendered
  if (navigator.onLine) $("last-online").hidden = false;
}

show();
