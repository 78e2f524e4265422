// Notices for my class (reference data "notices", kept on the phone): read them offline, confirm
// that they went to the parents group. A confirmation is a record like any other: the outbox.
import { getMeta, journalSince, listCollection } from "../db.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER, whenSessionKnown } from "../sync.js";
import { h, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const KEEP_DAYS = 60;

/** A word of the page (rendered by the server in the page's language), its {placeholders} filled. */
function word(name, vars = {}) {
  const text = $("words").dataset[name] || "";
  return text.replace(/\{(\w+)\}/g, (_, key) => String(vars[key] ?? ""));
}

function localTime(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${today(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function confirmationsOnPhone() {
  const since = today(new Date(Date.now() - KEEP_DAYS * 86400000));
  const mine = new Map();
  for (const r of await journalSince(since)) {
    if (r.kind === "notice_confirmation") mine.set(`${r.data.notice_id}:${r.data.class_id}`, r);
  }
  return mine;
}

async function load() {
  const user = await getMeta("user");
  const notices = user ? await listCollection("notices") : [];
  const mine = await confirmationsOnPhone();
  notices.sort((a, b) => b.published_at.localeCompare(a.published_at));
  const cards = notices.map((n) => card(n, mine.get(`${n.id}:${n.class_id}`)));
  $("notices").replaceChildren(...(cards.length ? cards : [h("p", { class: "hint" }, word("empty"))]));
}

function card(notice, onPhone) {
  const kind = word(`kind${notice.kind[0].toUpperCase()}${notice.kind.slice(1)}`);
  return h("article", { class: "card notice-card", "aria-labelledby": `notice-${notice.id}` },
    h("h2", { id: `notice-${notice.id}` }, notice.title),
    h("p", { class: "hint" }, `${kind} · ${word("from", { unit: notice.from })} · ${localTime(notice.published_at)}`),
    h("div", { class: "notice-body" }, notice.body),
    state(notice, onPhone));
}

function state(notice, onPhone) {
  if (notice.confirmed_at) {
    const parents = notice.parents != null ? ` · ${word("parentsCount", { n: notice.parents })}` : "";
    return h("p", { class: "badge ok", role: "status" }, word("confirmed", { time: localTime(notice.confirmed_at) }) + parents);
  }
  if (onPhone) return h("p", { class: "badge warn", role: "status" }, word("waiting"));
  const input = `parents-${notice.id}`;
  return h("form", { class: "stack", onsubmit: (event) => confirm(event, notice) },
    notice.ask_parents ? h("div", { class: "field" }, h("label", { for: input }, word("parents")),
      h("input", { id: input, name: "parents", type: "number", min: 0, step: 1, inputmode: "numeric" })) : null,
    h("button", { type: "submit", class: "primary wide" }, word("confirm")));
}

async function confirm(event, notice) {
  event.preventDefault();
  $("notice-error").textContent = "";
  const raw = event.target.elements.parents ? event.target.elements.parents.value.trim() : "";
  const data = { notice_id: notice.id, class_id: notice.class_id,
    parents_acknowledged: raw === "" ? null : Math.trunc(Number(raw)) };
  try {
    await addRecord("notice_confirmation", data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    $("notice-error").textContent = Object.values(error.errors).join(" ");
    return;
  }
  await load();
}

async function init() {
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await whenSessionKnown();  // never the notices of the account that used this phone before
  await load();
}

init();
