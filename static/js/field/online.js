// A class's day of online learning, offline: the roll (pulled `classes` and `students`), everyone
// attended, handed in and marked by default; tick the exceptions; one button saves the class's day
// (a correction later is a new record, the newest counts). The page opens on the class's day as the
// server knows it (pulled `online_days`: a colleague's or the office's entry too), replaced by a later
// one saved on this phone that the server has not answered yet or accepted (refused ones aside), the
// way the report's figures are the server's plus the phone's (figures.js).
import { journalSince, listCollection, listOutbox } from "../db.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const MARKS = ["absent", "no_homework", "not_marked"];
const page = { classes: [], students: [] };

async function init() {
  $("online-form").addEventListener("submit", save);
  $("online-form").addEventListener("change", count);
  $("class").addEventListener("change", render);
  $("date").addEventListener("change", render);
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  $("date").value = today();
  $("date").max = today();
  await load();
}

async function load() {
  page.classes = (await listCollection("classes")).sort((a, b) => (a.label || a.name).localeCompare(b.label || b.name));
  page.students = (await listCollection("students")).filter((s) => s.active !== false);
  const usable = page.classes.length > 0 && page.students.length > 0;
  $("no-roll").hidden = usable;
  $("online-form").hidden = !usable;
  const chosen = $("class").value;
  $("class").replaceChildren(...page.classes.map((c) => h("option", { value: String(c.id) }, c.label || c.name)));
  if (page.classes.some((c) => String(c.id) === chosen)) $("class").value = chosen;
  await render();
}

/** The class's day now: the server's (pulled), or a later one saved on this phone; its ticks by student. */
async function current(klass, day) {
  const [pulled, journal, outbox] = await Promise.all([listCollection("online_days"), journalSince(day), listOutbox()]);
  const refused = new Set(outbox.filter((e) => e.state === "rejected").map((e) => e.id));
  let last = pulled.find((d) => d.class_id === klass && d.date === day) || null;
  for (const r of journal) {
    if (r.kind !== "online_day" || r.data.class_id !== klass || r.data.date !== day || refused.has(r.id)) continue;
    if (!last || Date.parse(r.recorded_at) >= Date.parse(last.at)) last = { at: r.recorded_at, exceptions: r.data.exceptions };
  }
  return new Map(((last && last.exceptions) || []).map((e) => [e.student_id, e]));
}

async function render() {
  const klass = Number($("class").value);
  const ticks = await current(klass, $("date").value);
  const roll = page.students.filter((s) => s.class_id === klass)
    .sort((a, b) => String(a.student_no || a.name).localeCompare(String(b.student_no || b.name)));
  $("roll").tBodies[0].replaceChildren(...roll.map((s) => {
    const mine = ticks.get(s.id) || {};
    return h("tr", { "data-student": String(s.id) }, h("td", {}, s.name),
      ...MARKS.map((mark) => h("td", {}, h("input", { type: "checkbox", name: mark, value: String(s.id),
        "aria-label": `${s.name} ${mark}`, checked: Boolean(mine[mark]) }))));
  }));
  count();
}

function exceptions() {
  return [...$("roll").tBodies[0].rows].map((row) => {
    const entry = { student_id: Number(row.dataset.student) };
    MARKS.forEach((mark) => { entry[mark] = row.querySelector(`input[name=${mark}]`).checked; });
    return entry;
  }).filter((e) => MARKS.some((mark) => e[mark]));
}

function count() {
  const n = $("roll").tBodies[0].rows.length;
  const list = exceptions();
  $("online-count").textContent = $("online-count").dataset.text.replace("{n}", n)
    .replace("{attended}", n - list.filter((e) => e.absent).length)
    .replace("{handed}", n - list.filter((e) => e.no_homework).length);
}

async function save(event) {
  event.preventDefault();
  $("online-error").textContent = "";
  try {
    await addRecord("online_day", { class_id: Number($("class").value), date: $("date").value,
      exceptions: exceptions(), note: null });
  } catch (error) {
    $("online-error").textContent = error instanceof ValidationError
      ? Object.values(error.errors).join(" ") : String(error.message || error);
    return;
  }
  const flash = $("online-saved");
  flash.hidden = false;
  flash.textContent = flash.dataset.text.replace("{time}", new Date().toTimeString().slice(0, 5));
}

init();
