// Disinfection, offline: pick the place (a school or a checkpoint's village, from the pulled
// `disinfection_areas`), tick the areas done, save one entry for all of them. Today's state of
// each area is the server's count at the last sync plus the entries still in the outbox; an area
// whose due time passed without one is red. Every entry goes to the outbox.
import { getMeta, listCollection, listOutbox } from "../db.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const CHOSEN = "shaodian.disinfection.place";  // which place this phone was on (an id, no personal data)
const page = { areas: [], places: [] };

async function init() {
  $("disinfection-form").addEventListener("submit", save);
  $("place").addEventListener("change", () => { localStorage.setItem(CHOSEN, $("place").value); showAreas(); });
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await load();
}

async function load() {
  page.areas = (await listCollection("disinfection_areas")).filter((a) => a.active !== false);
  const places = new Map();
  page.areas.forEach((a) => places.set(a.unit_id, a.place));
  page.places = [...places.entries()];
  $("no-areas").hidden = page.areas.length > 0;
  $("disinfection-form").hidden = page.areas.length === 0;
  $("place").replaceChildren(...page.places.map(([id, name]) => h("option", { value: String(id) }, name)));
  $("place-field").hidden = page.places.length < 2;
  const saved = localStorage.getItem(CHOSEN);
  if (page.places.some(([id]) => String(id) === saved)) $("place").value = saved;
  const user = await getMeta("user");
  if (!$("done_by").value && user) $("done_by").value = user.display_name || user.username || "";
  resetTime();
  await showAreas();
}

function resetTime() {
  $("time").value = new Date().toTimeString().slice(0, 5);
}

/** Per area, today's disinfections: the server's count at the last sync, and the entries of today
 *  still waiting in the outbox (once sent, the next pull's count holds them). */
async function doneToday() {
  const day = today();
  const counts = new Map();
  page.areas.forEach((a) => { if (a.day === day) counts.set(a.id, a.done_today || 0); });
  for (const entry of await listOutbox()) {
    if (entry.kind !== "disinfection" || entry.state !== "pending" || entry.data.date !== day) continue;
    entry.data.areas.forEach(({ area_id }) => counts.set(area_id, (counts.get(area_id) || 0) + 1));
  }
  return counts;
}

async function showAreas() {
  const place = Number($("place").value);
  const counts = await doneToday();
  const now = new Date().toTimeString().slice(0, 5);
  const hint = $("area-hint").dataset;
  const legend = $("area-list").querySelector("legend");
  const boxes = page.areas.filter((a) => a.unit_id === place).map((area) => {
    const due = (area.due_times || "").split(",").filter(Boolean);
    const done = counts.get(area.id) || 0;
    const passed = due.filter((time) => time <= now).length;
    const next = due[done];
    const state = done >= due.length ? "done" : done < passed ? "overdue" : "pending";
    const detail = state === "done" ? `✓ ${hint.done.replace("{n}", done)}` : hint.due.replace("{time}", next);
    return h("label", { class: `check area ${state}`, "data-area": String(area.id), "data-state": state },
      h("input", { type: "checkbox", name: "area", value: String(area.id) }), ` ${area.name} `,
      h("small", { class: state === "overdue" ? "error" : "hint" }, detail));
  });
  $("area-list").replaceChildren(legend, ...boxes);
}

function formData() {
  const text = (id) => $(id).value.trim() || null;
  const ticked = [...document.querySelectorAll("input[name=area]:checked")].map((box) => ({ area_id: Number(box.value) }));
  return { unit_id: Number($("place").value), areas: ticked, date: today(), time: $("time").value,
    method: $("method").value, agent: text("agent"), concentration: text("concentration"),
    done_by: $("done_by").value.trim(), note: text("note") };
}

async function save(event) {
  event.preventDefault();
  $("disinfection-error").textContent = "";
  const data = formData();
  if (!data.areas.length) {
    $("disinfection-error").textContent = `${$("area-list").querySelector("legend").textContent}: —`;
    return;
  }
  try {
    await addRecord("disinfection", data);
  } catch (error) {
    return showError(error);
  }
  $("note").value = "";
  resetTime();
  const saved = $("disinfection-saved");
  saved.hidden = false;
  saved.textContent = saved.dataset.text.replace("{time}", new Date().toTimeString().slice(0, 5));
  await showAreas();
}

function labelOf(field) {
  const label = document.querySelector(`label[for=${field}]`);
  return label ? label.textContent : field;
}

function showError(error) {
  $("disinfection-error").textContent = error instanceof ValidationError
    ? Object.entries(error.errors).map(([field, why]) => `${labelOf(field)}: ${why}`).join(" ")
    : String(error.message || error);
}

init();
