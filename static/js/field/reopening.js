// The school's reopening plan, offline: each item of the county's plan (from the pulled
// `reopening_items`, with the school's state at the last sync), the newest update saved on this
// phone on top of it; saving an item's person, status and note goes to the outbox.
import { getMeta, journalSince, listCollection } from "../db.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h } from "./ui.js";

const $ = (id) => document.getElementById(id);
const STATUSES = ["todo", "doing", "done"];
const page = { school: null, items: [] };

async function init() {
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await load();
}

async function load() {
  const scope = await getMeta("scope");
  page.school = scope && scope.kind === "school" ? scope.id : null;
  page.items = (await listCollection("reopening_items")).filter((i) => i.active !== false);
  $("no-plan").hidden = page.school !== null && page.items.length > 0;
  await render();
}

async function latest() {
  const since = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
  const mine = new Map();
  for (const r of await journalSince(since)) {
    if (r.kind === "reopening_item" && r.data.school_id === page.school) mine.set(r.data.item_id, r.data);
  }
  return mine;
}

async function render() {
  const list = $("plan-items");
  if (page.school === null) return list.replaceChildren();
  const mine = await latest();
  const words = list.dataset;
  let done = 0;
  list.replaceChildren(...page.items.map((item) => {
    const state = mine.get(item.id) || item;
    if (state.status === "done") done += 1;
    const id = (name) => `${name}-${item.id}`;
    const form = h("form", { class: "stack", "data-item": String(item.id) },
      h("div", { class: "field" }, h("label", { for: id("person") }, words.person),
        h("input", { id: id("person"), maxlength: "50", value: state.person || "" })),
      h("div", { class: "field" }, h("label", { for: id("status") }, words.statusLabel),
        h("select", { id: id("status") }, ...STATUSES.map((s) => {
          const option = h("option", { value: s }, words[s]);
          option.selected = s === (state.status || "todo");
          return option;
        }))),
      h("div", { class: "field" }, h("label", { for: id("note") }, words.note),
        h("input", { id: id("note"), maxlength: "300", value: state.note || "" })),
      h("button", { type: "submit", class: "button" }, words.save),
      h("p", { class: "flash", hidden: true }));
    form.addEventListener("submit", (event) => save(event, item));
    const badge = state.status === "done" ? "ok" : state.status === "doing" ? "warn" : "bad";
    return h("li", { "data-item": String(item.id), "data-status": state.status || "todo" },
      h("div", { class: "row" }, h("strong", {}, item.title), h("span", { class: `badge ${badge}` }, words[state.status || "todo"])),
      form);
  }));
  $("plan-count").textContent = $("plan-count").dataset.text.replace("{done}", done).replace("{n}", page.items.length);
}

async function save(event, item) {
  event.preventDefault();
  $("plan-error").textContent = "";
  const value = (name) => $(`${name}-${item.id}`).value.trim();
  try {
    await addRecord("reopening_item", { school_id: page.school, item_id: item.id, person: value("person"),
      status: $(`status-${item.id}`).value, note: value("note") || null });
  } catch (error) {
    $("plan-error").textContent = error instanceof ValidationError
      ? Object.values(error.errors).join(" ") : String(error.message || error);
    return;
  }
  await render();
  const flash = document.querySelector(`form[data-item="${item.id}"] .flash`);
  flash.hidden = false;
  flash.textContent = $("plan-items").dataset.saved.replace("{time}", new Date().toTimeString().slice(0, 5));
}

init();
