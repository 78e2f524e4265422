// A school's supplies ledger, offline: pick an item (from the pulled `supply_items`), say what
// happened, save. Every entry goes to the outbox; the stock shown is the server's at the last
// sync, with the entries saved since on this phone applied (the server walks the real order).
import { getMeta, journalSince, listCollection } from "../db.js";
import { bounds, schemaOf } from "../kinds.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, timeOf, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const OUT = ["issued", "used", "adjusted"];
const page = { items: [], school: null };

async function init() {
  $("supply-form").addEventListener("submit", save);
  $("item").addEventListener("change", showStock);
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await load();
}

async function load() {
  const scope = await getMeta("scope");
  page.school = scope && scope.kind === "school" ? scope.id : null;
  page.items = (await listCollection("supply_items")).filter((i) => i.active !== false);
  const usable = page.school !== null && page.items.length > 0;
  $("no-items").hidden = usable;
  $("supply-form").hidden = !usable;
  const chosen = $("item").value;
  $("item").replaceChildren(...page.items.map((i) => h("option", { value: String(i.id) }, `${i.name}（${i.unit}）`)));
  if (chosen) $("item").value = chosen;
  if (!$("date").value) $("date").value = today();
  const days = bounds(await schemaOf("supply_movement"), "date");  // the kind's declared days (webapp/fields.py)
  $("date").min = days.minimum || "";
  $("date").max = days.maximum || today();
  await showStock();
}

function item() {
  return page.items.find((i) => String(i.id) === $("item").value) || null;
}

async function mine() {
  const since = today(new Date(Date.now() - 7 * 86400000));
  return (await journalSince(since)).filter((r) => r.kind === "supply_movement" && r.data.school_id === page.school);
}

async function showStock() {
  const chosen = item();
  const records = await mine();
  const box = $("on-hand");
  if (chosen && chosen.on_hand !== null && chosen.on_hand !== undefined) {
    box.textContent = box.dataset.text.replace("{n}", `${chosen.on_hand} ${chosen.unit}`) +
      (chosen.flagged ? ` · ${box.dataset.flagged}` : "");
  } else {
    box.textContent = "";
  }
  $("recent").replaceChildren(...records.slice(-10).reverse().map(entryItem));
}

function entryItem(record) {
  const d = record.data;
  const known = page.items.find((i) => i.id === d.item_id);
  const label = document.querySelector(`input[name=movement][value=${d.movement}]`);
  const sign = OUT.includes(d.movement) ? "−" : d.movement === "received" ? "+" : "=";
  return h("li", {}, [d.date, timeOf(record.recorded_at), known ? known.name : `#${d.item_id}`,
    label ? label.parentElement.textContent.trim() : d.movement, `${sign}${d.quantity}`].join(" · "));
}

function formData() {
  const text = (id) => $(id).value.trim() || null;
  const quantity = $("quantity").value.trim();
  return {
    school_id: page.school, item_id: Number($("item").value), date: $("date").value,
    movement: document.querySelector("input[name=movement]:checked").value,
    quantity: quantity === "" ? null : Number(quantity), counterpart: text("counterpart"),
    reason: $("reason").value || null, note: text("note"),
  };
}

async function save(event) {
  event.preventDefault();
  $("supply-error").textContent = "";
  try {
    await addRecord("supply_movement", formData());
  } catch (error) {
    return showError(error);
  }
  for (const id of ["quantity", "counterpart", "note"]) $(id).value = "";
  $("reason").value = "";
  const saved = $("supply-saved");
  saved.hidden = false;
  saved.textContent = saved.dataset.text.replace("{time}", new Date().toTimeString().slice(0, 5));
  await showStock();
}

function labelOf(field) {
  const label = document.querySelector(`label[for=${field}]`);
  return label ? label.textContent : field;
}

function showError(error) {
  $("supply-error").textContent = error instanceof ValidationError
    ? Object.entries(error.errors).map(([field, why]) => `${labelOf(field)}: ${why}`).join(" ")
    : String(error.message || error);
}

init();
