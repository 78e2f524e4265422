// The full outbox: every record on this phone that the server has not confirmed, with its
// state, a discard button, and "export waiting records to a file" (one file per account).
import { deviceId, getMeta } from "../db.js";
import { t } from "../i18n.js";
import { CHANGED, discard, isoLocal, listOutbox } from "../outbox.js";
import { REFERENCE, USER, envelope, onSyncStatus } from "../sync.js";
import { describe, h, reason } from "./ui.js";

const $ = (id) => document.getElementById(id);

async function render() {
  const [entries, user] = await Promise.all([listOutbox(), getMeta("user")]);
  const items = await Promise.all(entries.map((entry) => line(entry, user)));
  $("entries").replaceChildren(...(items.length ? items : [h("li", {}, t("nothing_waiting"))]));
  $("entries").dataset.count = entries.length;
  renderExports(entries);
}

async function line(entry, user) {
  const state = entry.state === "rejected"
    ? h("span", { class: "badge bad" }, t("state_rejected")) : h("span", { class: "badge" }, t("state_pending"));
  const owner = !user || entry.user_id !== user.id ? h("span", { class: "badge warn" }, t("recorded_by", { name: entry.username })) : "";
  return h("li", { "data-id": entry.id, "data-state": entry.state },
    h("div", { class: "row" }, h("strong", {}, await describe(entry)), state, owner),
    h("div", { class: "hint" }, entry.recorded_at.replace("T", " ").slice(0, 16)),
    entry.state === "rejected" ? h("div", { class: "error" }, reason(entry)) : "",
    h("button", { type: "button", class: "small danger", onclick: () => confirmDiscard(entry) }, t("discard")));
}

async function confirmDiscard(entry) {
  if (window.confirm(t("confirm_discard", { what: await describe(entry) }))) await discard(entry.id);
}

function renderExports(entries) {
  const byUser = new Map();
  for (const entry of entries.filter((e) => e.state === "pending")) {
    if (!byUser.has(entry.user_id)) byUser.set(entry.user_id, []);
    byUser.get(entry.user_id).push(entry);
  }
  $("exports").replaceChildren(...[...byUser.values()].map((list) => h("button", { type: "button", class: "primary",
    "data-user": list[0].user_id, onclick: () => download(list) }, t("export_user", { n: list.length, name: list[0].username }))));
}

/** The file C's office screen (/sync/upload) takes: the same envelopes the push sends. */
async function download(entries) {
  const file = { format: "shaodian-outbox", version: 1, device_id: await deviceId(), user_id: entries[0].user_id,
    username: entries[0].username, exported_at: isoLocal(), records: entries.map(envelope) };
  const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: "application/json" }));
  const stamp = file.exported_at.slice(0, 16).replace(/[-:T]/g, "");
  const link = h("a", { href: url, download: `shaodian-outbox-${file.username}-${stamp}.json`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

[CHANGED, REFERENCE, USER].forEach((name) => window.addEventListener(name, render));
// The sync loop removes entries as the server confirms them: follow it while the page is open.
onSyncStatus(() => render());
