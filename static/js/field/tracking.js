// Today's tasks for the people the user answers for, offline: follow-ups of people in home
// isolation, isolations ending today, people still to screen. Computed on the phone from the
// pulled `tracked` collection and the records saved on this phone today (the journal), so a task
// done with no signal leaves the list at once; the outbox sends its record exactly once.
import { journalSince, listCollection } from "../db.js";
import { t } from "../i18n.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const page = { items: [], areas: [] };

/** What was done on this phone today: follow-ups by isolation, screenings by person. */
export async function doneToday(day) {
  const rows = await journalSince(day);
  const followed = new Set(rows.filter((r) => r.kind === "isolation_followup" && r.data.date === day)
    .map((r) => r.data.isolation_id));
  const person = (r) => (r.data.student_id ? `student:${r.data.student_id}` : `staff:${r.data.staff_id}`);
  const screened = new Set(rows.filter((r) => r.kind === "screening").map(person));
  const ill = new Set(rows.filter((r) => r.kind === "illness_followup" && r.data.date === day).map(person));
  return { followed, screened, ill };
}

/** The day's tasks, from the pulled items and what is done: [{type, item}], follow-ups first. */
export function tasksFor(items, done, day) {
  const tasks = [];
  for (const item of items) {
    const iso = item.isolation;
    if (iso && iso.started_on <= day && day <= iso.end_on && !iso.followed.includes(day) && !done.followed.has(iso.id)) {
      tasks.push({ type: "followup", item });
    }
  }
  for (const item of items) {
    if (item.isolation && item.isolation.end_on === day) tasks.push({ type: "release", item });
  }
  for (const item of items) {  // an illness case opened by a fever or an illness absence: first to its staff
    if (item.not_cleared.includes("followup_open") && !done.ill.has(item.id)) tasks.push({ type: "illness", item });
  }
  for (const item of items) {
    if (!item.screened && !done.screened.has(item.id)) tasks.push({ type: "screen", item });
  }
  return tasks;
}

function dayNumber(iso, day) {
  return Math.round((Date.parse(day) - Date.parse(iso.started_on)) / 86400000) + 1;
}

function label(task, day) {
  const { item } = task;
  if (task.type === "followup") {
    return t("task_followup", { name: item.name, n: dayNumber(item.isolation, day), total: item.isolation.total_days });
  }
  return t(`task_${task.type}`, { name: item.name });
}

async function render() {
  const day = today();
  [page.items, page.areas] = await Promise.all([listCollection("tracked"), listCollection("risk_areas")]);
  const tasks = tasksFor(page.items, await doneToday(day), day);
  for (const type of ["followup", "release", "illness", "screen"]) {
    $(`count-${type}`).textContent = tasks.filter((task) => task.type === type).length;
  }
  $("tasks-today").replaceChildren(...tasks.map((task) => h("li", { class: `task-${task.type}`, "data-person": task.item.id },
    task.type === "release" ? label(task, day)
      : h("button", { type: "button", class: "link", onclick: () => open(task) }, label(task, day)))));
  $("tasks-note").textContent = page.items.length === 0 ? t("tasks_empty_phone") : tasks.length === 0 ? t("tasks_none") : "";
}

const FORMS = { followup: "followup-form", illness: "illness-form", screen: "screening-form" };

function open(task) {
  close();
  const form = $(FORMS[task.type]);
  form.hidden = false;
  form.dataset.person = task.item.id;
  if (task.type === "followup") {
    $("followup-title").textContent = label(task, today());
    $("fu-isolation").value = task.item.isolation.id;
  } else {
    $(task.type === "illness" ? "illness-title" : "screening-title").textContent = label(task, today());
  }
  form.querySelector("input, select").focus();
}

function close() {
  for (const form of Object.values(FORMS).map($)) {
    form.hidden = true;
    form.reset();
    form.querySelectorAll(".error").forEach((el) => { el.textContent = ""; });
  }
  $("sc-risk").hidden = true;
}

const number = (id) => ($(id).value === "" ? null : Number($(id).value));

async function saveFollowup(event) {
  event.preventDefault();
  const item = page.items.find((i) => i.id === $("followup-form").dataset.person);
  const data = { isolation_id: $("fu-isolation").value, date: today(), temperature_morning: number("fu-morning"),
    temperature_afternoon: number("fu-afternoon"), symptoms: $("fu-symptoms").checked ? ["other"] : [],
    contact_method: $("fu-method").value, note: $("fu-note").value.trim() || null };
  await save("isolation_followup", data, "fu-error", t("followup_saved", { name: item ? item.name : "" }));
}

/** A trip inside a listed risk area's dates: the place, else null. */
export function riskPlace(areas, place, from, to) {
  if (!place || !from || !to) return null;
  const hit = areas.find((a) => place.includes(a.place) && to >= a.starts_on && (!a.ends_on || from <= a.ends_on));
  return hit ? hit.place : null;
}

function showRisk() {
  const item = page.items.find((i) => i.id === $("screening-form").dataset.person);
  const place = riskPlace(page.areas, $("sc-place").value.trim(), $("sc-from").value, $("sc-to").value);
  $("sc-risk").hidden = !place;
  $("sc-risk").textContent = place ? t("risk_warning", { place, name: item ? item.name : "" }) : "";
}

async function saveScreening(event) {
  event.preventDefault();
  const item = page.items.find((i) => i.id === $("screening-form").dataset.person);
  if (!item) return;
  const place = $("sc-place").value.trim();
  const trips = place ? [{ place, from_on: $("sc-from").value, to_on: $("sc-to").value }] : [];
  const contacts = $("sc-contact").value ? [{ type: $("sc-contact").value, place: null, date: null }] : [];
  const data = { student_id: item.student_id, staff_id: item.staff_id, date: today(), subject: "self",
    household_name: null, household_relation: null, health: $("sc-health").value, trips, contacts,
    planned_return_on: null, planned_return_from: null, verification: [$("sc-verification").value],
    verified_by: null, note: null };
  await save("screening", data, "sc-error", t("screening_saved", { name: item.name }));
}

async function saveIllness(event) {
  event.preventDefault();
  const item = page.items.find((i) => i.id === $("illness-form").dataset.person);
  if (!item) return;
  const doctor = $("il-doctor").value;
  const data = { student_id: item.student_id, staff_id: item.staff_id, date: today(),
    saw_doctor: doctor === "" ? null : doctor === "yes", diagnosis: $("il-diagnosis").value || null,
    recovered_on: $("il-recovered").checked ? today() : null, back_on: null, closed: $("il-closed").checked,
    note: $("il-note").value.trim() || null };
  await save("illness_followup", data, "il-error", t("illness_saved", { name: item.name }));
}

async function save(kind, data, errorBox, message) {
  try {
    await addRecord(kind, data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    $(errorBox).textContent = Object.entries(error.errors).map(([f, r]) => `${t(`field_${f}`)}: ${r}`).join(" ");
    return;
  }
  close();
  $("task-saved").textContent = message;
  $("task-saved").hidden = false;
  await render();
}

if ($("tasks-today")) {
  $("followup-form").addEventListener("submit", saveFollowup);
  $("screening-form").addEventListener("submit", saveScreening);
  $("illness-form").addEventListener("submit", saveIllness);
  document.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", close));
  ["sc-place", "sc-from", "sc-to"].forEach((id) => $(id).addEventListener("input", showRisk));
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, render));
  render();
}
