// Logging out (office and field pages): refused while the outbox holds unsynced records, until
// they are synced or explicitly discarded; then the user's data leaves the phone.
import { clearUserData, listOutbox } from "./db.js";
import { t } from "./i18n.js";
import { forgetUserResponses } from "./pwa.js";

/** Watch every `form[data-logout]` on the page. */
export function guardLogout() {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    event.preventDefault();
    check(form).catch((error) => {
      console.warn("shaodian: logout check failed", error);
      say(form, t("logout_failed"));
    });
  }, true);
}

async function check(form) {
  const entries = await listOutbox();
  if (entries.length) return refuse(form, entries.length);
  return logOut(form);
}

async function logOut(form) {
  // The server must end the session too: clearing only the phone would leave the login valid.
  const answer = await fetch("/api/v1/session", { credentials: "same-origin" }).catch(() => null);
  if (!answer) return say(form, t("logout_needs_connection"));
  await clearUserData({ outbox: true });
  await forgetUserResponses();
  if (answer.status === 401) return location.assign("/login");  // the server already ended the session
  if (answer.ok) setToken(form, (await answer.json()).csrf_token);
  form.submit();
}

function setToken(form, token) {
  let input = form.querySelector("input[name=csrf_token]");
  if (!input) {
    input = Object.assign(document.createElement("input"), { type: "hidden", name: "csrf_token" });
    form.append(input);
  }
  input.value = token;
}

function refuse(form, count) {
  const box = panel(form);
  const text = el("p", {}, t("logout_refused", { n: count }));
  const status = el("p", { role: "status" });
  const sync = el("button", { type: "button", className: "primary" }, t("sync_now"));
  const exportLink = el("a", { className: "button", href: "/field/outbox" }, t("export_file"));
  const drop = el("button", { type: "button", className: "danger" }, t("discard_and_logout", { n: count }));
  sync.addEventListener("click", () => syncThenRecount(form, box, status));
  drop.addEventListener("click", () => {
    if (window.confirm(t("confirm_discard_all", { n: count }))) logOut(form);
  });
  box.dataset.remaining = count;
  box.replaceChildren(text, el("div", { className: "row" }, sync, exportLink, drop), status);
  box.scrollIntoView({ block: "center" });
}

async function syncThenRecount(form, box, status) {
  status.textContent = t("syncing");
  const { syncNow } = await import("./sync.js");
  await syncNow();
  const left = (await listOutbox()).length;
  if (!left) {
    box.dataset.remaining = 0;
    box.replaceChildren(el("p", { role: "status" }, t("logout_now_possible")));
    return;
  }
  refuse(form, left);
  box.querySelector("[role=status]").textContent = t("still_waiting", { n: left });
}

function panel(form) {
  let box = document.getElementById("logout-guard");
  if (!box) {
    box = el("div", { id: "logout-guard", className: "notice stack" });
    box.setAttribute("role", "alertdialog");
    (document.querySelector("main") || document.body).prepend(box);
  }
  return box;
}

function say(form, message) {
  panel(form).replaceChildren(el("p", { role: "alert" }, message));
}

function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
