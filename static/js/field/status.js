// The sync state on every field screen: records waiting, last successful sync, rejected
// records with their reason (fix or discard), "sync now", and the "log in again" prompt.
import { getMeta } from "../db.js";
import { t } from "../i18n.js";
import { CHANGED, discard, listOutbox, saveAgain } from "../outbox.js";
import { CLOCK, REFERENCE, USER, logInAgain, onSyncStatus, syncNow } from "../sync.js";
import { ago, describe, duration, h, reason } from "./ui.js";

const CLOCK_TOLERANCE = 5 * 60000;  // as the server's SYNC_CLOCK_TOLERANCE_MINUTES

/** Draw the sync state into `element` and keep it current. */
export function mountSyncStatus(element) {
  const text = h("span", { class: "sync-text", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "small", onclick: () => syncNow({ pull: true }) }, t("sync_now"));
  const auth = h("div", { class: "sync-auth" });
  const rejected = h("ul", { class: "list sync-rejected", hidden: true });  // shown when there are some
  const foreign = h("p", { class: "notice sync-foreign", hidden: true });
  const clock = h("p", { class: "notice bad sync-clock", role: "alert", hidden: true });
  element.replaceChildren(h("div", { class: "sync-line" }, text, button), clock, auth, rejected, foreign);
  let status = {};
  const refresh = () => render({ element, text, button, auth, rejected, foreign, clock, status });
  onSyncStatus((next) => { status = next; refresh(); });
  [CHANGED, REFERENCE, USER, CLOCK].forEach((name) => window.addEventListener(name, refresh));
  setInterval(refresh, 30000);
}

async function render(parts) {
  const [entries, user, lastSync, skew] = await Promise.all([listOutbox(), getMeta("user"), getMeta("lastSync"),
    getMeta("clockSkew")]);
  const mine = entries.filter((e) => user && e.user_id === user.id);
  const pending = mine.filter((e) => e.state === "pending");
  const refused = mine.filter((e) => e.state === "rejected");
  Object.assign(parts.element.dataset, { pending: pending.length, rejected: refused.length,
    paused: parts.status.paused || "", synced: lastSync || "" });
  parts.text.textContent = summary(parts.status, pending.length, lastSync);
  // "Syncing…" goes on the button: the line keeps its length, so nothing below it moves.
  parts.button.textContent = parts.status.running ? t("syncing") : t("sync_now");
  renderClock(parts.clock, skew);
  renderAuth(parts.auth, parts.status.paused, user);
  await renderRejected(parts.rejected, refused);
  renderForeign(parts.foreign, entries.filter((e) => !user || e.user_id !== user.id));
}

function summary(status, pending, lastSync) {
  const words = [];
  if (status.offline) words.push(t("offline"));
  words.push(pending ? t("waiting", { n: pending }) : t("all_synced"));
  words.push(t("last_sync", { when: ago(lastSync) }));
  if (status.nextAt && !status.offline) {
    words.push(t("retrying", { s: Math.max(1, Math.round((status.nextAt - Date.now()) / 1000)) }));
  }
  return words.join(" · ");
}

/** A phone whose clock is off by more than the server tolerates: say so, before records are refused. */
function renderClock(box, skew) {
  const off = typeof skew === "number" && Math.abs(skew) > CLOCK_TOLERANCE;
  box.hidden = !off;
  box.textContent = off ? t(skew > 0 ? "clock_ahead" : "clock_behind", { d: duration(Math.abs(skew)) }) : "";
}

function renderAuth(box, paused, user) {
  if (box.dataset.state === (paused || "") + (user ? user.id : "")) return;  // keep what is being typed
  box.dataset.state = (paused || "") + (user ? user.id : "");
  const next = encodeURIComponent(location.pathname);
  if (!paused) return box.replaceChildren();
  if (paused === "password") {
    return box.replaceChildren(h("p", { class: "notice" }, t("change_password_first"), " ",
      h("a", { href: "/password" }, t("change_password"))));
  }
  if (!user) {
    return box.replaceChildren(h("p", { class: "notice" }, t("please_log_in"), " ",
      h("a", { class: "button primary", href: `/login?next=${next}` }, t("log_in"))));
  }
  box.replaceChildren(passwordPrompt(user, next));
}

function passwordPrompt(user, next) {
  const input = h("input", { type: "password", id: "relogin-password", autocomplete: "current-password", required: true });
  const message = h("small", { class: "error", role: "alert" });
  const form = h("form", { class: "notice stack", onsubmit: async (event) => {
    event.preventDefault();
    message.textContent = "";
    const result = await logInAgain(input.value).catch(() => "network");
    if (result !== "ok") message.textContent = t(`login_${result}`);
  } },
  h("p", {}, t("login_expired", { user: user.display_name || user.username })),
  h("div", { class: "field" }, h("label", { for: "relogin-password" }, t("password")), input, message),
  h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("log_in")),
    h("a", { href: `/login?next=${next}` }, t("login_page"))));
  return form;
}

async function renderRejected(list, entries) {
  const key = entries.map((e) => e.id).join();
  if (list.dataset.key === key) return;  // an open fix form stays open
  list.dataset.key = key;
  const items = await Promise.all(entries.map(async (entry) => h("li", { "data-id": entry.id },
    h("div", {}, h("strong", {}, await describe(entry))),
    h("div", { class: "error" }, reason(entry)),
    h("div", { class: "row" }, mend(entry),
      h("button", { type: "button", class: "small danger", onclick: () => confirmDiscard(entry) }, t("discard"))))));
  list.replaceChildren(...items);
  list.hidden = !items.length;
}

/** A record refused for the clock needs no editing, only the clock set right; any other is fixed in a form. */
function mend(entry) {
  if (entry.code === "clock") {
    return h("button", { type: "button", class: "small primary", onclick: () => saveAgain(entry.id) }, t("save_again"));
  }
  return h("button", { type: "button", class: "small", onclick: (e) => fix(entry, e.target.closest("li")) }, t("fix"));
}

async function fix(entry, item) {
  const { openFix } = await import("./fix.js");
  openFix(entry, item);
}

async function confirmDiscard(entry) {
  if (window.confirm(t("confirm_discard", { what: await describe(entry) }))) await discard(entry.id);
}

function renderForeign(box, entries) {
  box.hidden = !entries.length;
  if (!entries.length) return;
  const names = [...new Set(entries.map((e) => e.username || "?"))].join(", ");
  box.replaceChildren(t("foreign_records", { n: entries.length, names }), " ",
    h("a", { href: "/field/outbox" }, t("export_them")));
}
