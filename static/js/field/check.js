// The class (or staff) health check: everyone present and normal by default; tap a name to
// record an absence or a temperature and symptoms; one button saves one record per person.
import { getMeta, journalSince, listCollection } from "../db.js";
import { t, word } from "../i18n.js";
import { bounds, schemaOf } from "../kinds.js";
import { ValidationError, addRecords, counts } from "../outbox.js";
import { REFERENCE, USER, whenSessionKnown } from "../sync.js";
import { dayChecks, daySettings, sessionsDone } from "./figures.js";
import { h, timeOf, today } from "./ui.js";

const form = document.getElementById("check-form");
const { kind, collection, subject } = form.dataset;
const $ = (id) => document.getElementById(id);
const SYMPTOMS = ["fever", "cough", "sore_throat", "fatigue", "diarrhea", "vomiting", "rash", "other"];
const REASONS = ["illness", "personal", "other"];
const PREFIX = { health_check: "s", staff_check: "t" };  // figures.js's keys of a person
const page = { rows: [], schema: null, threshold: 37.3, range: {}, touched: false, sessionChosen: false };

async function init() {
  page.schema = await schemaOf(kind);
  page.range = bounds(page.schema, "temperature");
  $("date").value = $("date").max = today();
  $("session").addEventListener("change", () => { page.sessionChosen = true; });
  for (const id of ["unit", "session", "date"]) if ($(id)) $(id).addEventListener("change", load);
  // New reference data redraws the list, but never over changes the teacher has not saved yet.
  // Nor under a panel the teacher has open.
  window.addEventListener(REFERENCE, () => busy() || load({ unlessBusy: true }));
  window.addEventListener(USER, load);
  form.addEventListener("submit", save);
  // Never show the lists of the account that used this phone before: wait for the server's word.
  await whenSessionKnown();
  await load();
}

/** The teacher is at work on the list: a change not saved yet, or a person's panel open. */
function busy() {
  return page.touched || page.rows.some((r) => r.panel && !r.panel.hidden);
}

/** Read the list again and draw it. After a sync (`unlessBusy`) the list is kept as it is if the teacher
 *  began working on it while it was read: the name she tapped stays open. */
async function load({ unlessBusy = false } = {}) {
  page.threshold = Number((await daySettings()).fever_threshold) || 37.3;
  page.pulled = Boolean(await getMeta("lastPull"));
  await fillUnits();
  const people = await listPeople();
  await chooseSession(people);
  const latest = await latestChecks();
  if (unlessBusy && busy()) return;
  page.touched = false;
  page.rows = people.map((person) => {
    const last = latest.get(person.id);
    const state = last ? { ...last.data } : normal();
    const feverByTemperature = state.symptoms.includes("fever") && state.temperature !== null &&
      state.temperature >= page.threshold;
    return { person, state, last, dirty: !last, error: null, feverByTemperature };
  });
  render();
}


async function fillUnits() {
  const select = $("unit");
  if (!select) return;
  const classes = (await listCollection("classes")).sort((a, b) => (a.label || a.name).localeCompare(b.label || b.name));
  const current = select.value;
  select.replaceChildren(...classes.map((c) => h("option", { value: c.id }, c.label || c.name)));
  if (classes.some((c) => String(c.id) === current)) select.value = current;
}

async function listPeople() {
  const unit = $("unit") ? Number($("unit").value) : null;
  const people = (await listCollection(collection))
    .filter((p) => p.active !== false && (unit === null || p.class_id === unit));
  return people.sort((a, b) => String(a.student_no || a.name).localeCompare(String(b.student_no || b.name)));
}

/** Open on the first session of the day the class (or the staff) has not done, on the server or
 *  this phone; never by the clock, so a late morning check is not saved as the noon check. */
async function chooseSession(people) {
  const done = sessionsDone(people.map((p) => `${PREFIX[kind]}${p.id}`), await dayChecks($("date").value));
  for (const option of $("session").options) {
    option.textContent = word(`session_${option.value}`, option.value) + (done.has(option.value) ? ` ${t("session_done")}` : "");
  }
  if (page.sessionChosen) return;
  $("session").value = [...$("session").options].map((o) => o.value).find((s) => !done.has(s)) || "noon";
}

/** The latest record saved on this phone for each person, for the chosen day and session. */
async function latestChecks() {
  const day = $("date").value;
  const latest = new Map();
  for (const record of await journalSince(day)) {
    const data = record.data;
    if (record.kind === kind && data.date === day && data.session === $("session").value) latest.set(data[subject], record);
  }
  return latest;
}

function normal() {
  return { present: true, absence_reason: null, symptoms: [], temperature: null, note: null };
}

// ---- drawing -------------------------------------------------------------------------------

function render() {
  $("people").replaceChildren(...page.rows.map(rowElement));
  // Synced and still no one: the account has no class (a volunteer, a subject teacher), not "connect once".
  $("check-error").textContent = page.rows.length ? "" : t(page.pulled ? "no_people_synced" : "no_people");
  document.querySelector(".save-bar").hidden = !page.rows.length;  // no one: nothing to save
  updateButton();
}

function updateButton() {
  const dirty = page.rows.filter((r) => r.dirty).length;
  const fresh = page.rows.every((r) => !r.last);
  // Nothing to save is said on the button itself, which then does nothing: never a silent tap.
  $("save").textContent = !dirty && page.rows.length ? t("all_saved")
    : fresh ? t("save_all", { n: dirty }) : t("save_changes", { n: dirty });
  $("save").disabled = !dirty;
}

function rowElement(row) {
  const id = row.person.id;
  row.badge = h("span", { class: "badges" });
  row.button = h("button", { type: "button", class: "person", "aria-expanded": "false", "aria-controls": `panel-${id}`,
    onclick: () => toggle(row) }, h("span", { class: "name" }, row.person.name), row.badge);
  row.panel = h("div", { class: "panel", id: `panel-${id}`, hidden: true });
  row.item = h("li", { "data-id": id }, row.button, row.panel);
  showState(row);
  return row.item;
}

function showState(row) {
  const s = row.state;
  const fever = s.present && s.temperature !== null && s.temperature >= page.threshold;
  const state = !s.present ? "absent" : fever ? "fever" : s.symptoms.length ? "unwell" : "normal";
  const words = {
    absent: [`${t("absent")} · ${word(`absence_reason_${s.absence_reason}`, "")}`, "warn"],
    fever: [t("fever", { t: fever ? s.temperature.toFixed(1) : "" }), "bad"],
    unwell: [t("unwell"), "warn"], normal: [t("normal"), "ok"],
  };
  const [text, tone] = words[state];
  row.item.classList.toggle("fever", fever);
  row.item.dataset.state = state;
  const saved = row.last && !row.dirty ? t("checked_at", { time: timeOf(row.last.recorded_at) }) : null;
  row.badge.replaceChildren(h("span", { class: `badge ${tone}` }, text), saved ? h("span", { class: "badge" }, saved) : "");
}

function toggle(row, open = row.panel.hidden) {
  if (open && !row.panel.firstChild) {
    row.panel.append(...panelControls(row));
    showPanel(row);
  }
  row.panel.hidden = !open;
  row.button.setAttribute("aria-expanded", String(open));
  if (open) row.panel.scrollIntoView({ block: "nearest" });  // above the save bar (scroll-margin), not behind it
}

/** The inline panel of one person: attendance, reason, temperature, symptoms, note. */
function panelControls(row) {
  const id = row.person.id;
  row.controls = { reason: reasonSelect(row), temperature: temperatureInput(row), symptoms: symptomBoxes(row),
    tempError: h("small", { class: "error", role: "alert", id: `temp-error-${id}` }) };
  const labelled = (cls, forId, text, ...controls) =>
    h("div", { class: `field ${cls}` }, h("label", { for: forId }, text), ...controls);
  const note = h("input", { type: "text", id: `note-${id}`, maxlength: 200, value: row.state.note || "",
    onchange: (e) => change(row, { note: e.target.value.trim() || null }) });
  return [
    h("fieldset", { class: "choice" }, h("legend", {}, t("attendance")),
      radio(row, "present", word("field_present", "")), radio(row, "absent", t("absent"))),
    labelled("when-absent", `reason-${id}`, t("field_absence_reason"), row.controls.reason),
    labelled("when-present", `temp-${id}`, t("field_temperature"), row.controls.temperature, row.controls.tempError),
    h("fieldset", { class: "symptoms" }, h("legend", {}, t("field_symptoms")), ...row.controls.symptoms),
    labelled("", `note-${id}`, t("field_note"), note),
    h("button", { type: "button", class: "small", onclick: () => toggle(row, false) }, t("done")),
  ];
}

function radio(row, value, label) {
  const id = `att-${row.person.id}-${value}`;
  const present = value === "present";
  return h("label", { class: "check", for: id }, h("input", { type: "radio", name: `att-${row.person.id}`, id, value,
    checked: row.state.present === present, onchange: () => change(row, { present }) }), label);
}

function reasonSelect(row) {
  const options = REASONS.map((r) => h("option", { value: r, selected: row.state.absence_reason === r },
    word(`absence_reason_${r}`, r)));
  return h("select", { id: `reason-${row.person.id}`, onchange: (e) => change(row, { absence_reason: e.target.value }) },
    ...options);
}

function temperatureInput(row) {
  return h("input", { type: "number", id: `temp-${row.person.id}`, step: "0.1", inputmode: "decimal",
    min: page.range.minimum ?? false, max: page.range.maximum ?? false, value: row.state.temperature ?? "",
    oninput: (e) => setTemperature(row, e.target) });
}

function symptomBoxes(row) {
  const field = page.schema && page.schema.properties.symptoms;
  const known = (field && field.items.enum) || SYMPTOMS;
  const ticked = () => row.controls.symptoms.map((l) => l.firstChild).filter((b) => b.checked).map((b) => b.value);
  return known.map((symptom) => h("label", { class: "check", for: `sym-${row.person.id}-${symptom}` },
    h("input", { type: "checkbox", id: `sym-${row.person.id}-${symptom}`, value: symptom,
      checked: row.state.symptoms.includes(symptom), onchange: () => {
        if (symptom === "fever") row.feverByTemperature = false;  // the teacher's own word now
        change(row, { symptoms: ticked() });
      } }),
    word(`symptom_${symptom}`, symptom)));
}

function showPanel(row) {
  const s = row.state;
  row.panel.querySelector(".when-absent").hidden = s.present;
  row.panel.querySelector(".when-present").hidden = !s.present;
  row.panel.querySelector(".symptoms").hidden = !s.present && s.absence_reason !== "illness";
}

function change(row, values) {
  Object.assign(row.state, values);
  if (values.present === false) {
    // An absence has a reason (illness unless told otherwise) and no temperature.
    Object.assign(row.state, { absence_reason: row.state.absence_reason || "illness", temperature: null });
  } else if (values.present === true && row.controls) {
    const typed = row.controls.temperature.value;
    row.state.temperature = typed === "" || row.error ? null : Number(typed);
  }
  if (row.controls) row.controls.reason.value = row.state.absence_reason || "illness";
  row.dirty = page.touched = true;
  $("saved").hidden = true;  // what the last save said is no longer the whole story
  if (row.controls) showPanel(row);
  showState(row);
  updateButton();
}

function setTemperature(row, input) {
  const value = input.value === "" ? null : Number(input.value);
  const { minimum, maximum } = page.range;
  const wrong = value !== null && (Number.isNaN(value) || value < minimum || value > maximum);
  row.error = wrong ? t("temperature_range", { min: minimum, max: maximum }) : null;
  row.controls.tempError.textContent = row.error || "";
  input.setAttribute("aria-invalid", String(wrong));
  if (wrong) return;
  // 发热 ticked by a temperature follows the temperature; ticked by hand, it stays.
  const hot = value !== null && value >= page.threshold;
  const ticked = row.state.symptoms.includes("fever");
  let symptoms = row.state.symptoms;
  if (hot && !ticked) {
    symptoms = [...symptoms, "fever"];
    row.feverByTemperature = true;
  } else if (!hot && ticked && row.feverByTemperature) {
    symptoms = symptoms.filter((s) => s !== "fever");
    row.feverByTemperature = false;
  }
  feverBox(row).checked = symptoms.includes("fever");
  change(row, { temperature: value, symptoms });
}

function feverBox(row) {
  return row.controls.symptoms.find((l) => l.firstChild.value === "fever").firstChild;
}

// ---- saving --------------------------------------------------------------------------------

function toData(row) {
  const s = row.state;
  const illness = !s.present && s.absence_reason === "illness";
  return { [subject]: row.person.id, date: $("date").value, session: $("session").value, present: s.present,
    absence_reason: s.present ? null : s.absence_reason, symptoms: s.present || illness ? s.symptoms : [],
    temperature: s.present ? s.temperature : null, note: s.note || null };
}

async function save(event) {
  event.preventDefault();
  $("saved").hidden = true;
  const dirty = page.rows.filter((r) => r.dirty);
  const wrong = dirty.find((r) => r.error);
  if (wrong) return refuse(wrong, t("fix_marked"));
  if (!dirty.length) return say(t("nothing_changed"));
  try {
    const entries = await addRecords(kind, dirty.map(toData));
    dirty.forEach((row, i) => Object.assign(row, { dirty: false, last: entries[i] }));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const words = Object.entries(error.errors).map(([field, text]) => `${word(`field_${field}`, field)}: ${text}`);
    return refuse(dirty[error.index], words.join(" "));
  }
  $("check-error").textContent = "";
  page.touched = false;
  page.sessionChosen = true;  // the teacher works in this session now: new data never switches it
  page.rows.forEach(showState);
  updateButton();
  say(t("saved", { n: dirty.length, pending: (await counts()).pending }));
}

function refuse(row, message) {
  toggle(row, true);
  $("check-error").textContent = message;
  row.item.scrollIntoView({ block: "center" });
}

function say(message) {
  $("saved").textContent = message;
  $("saved").hidden = false;
}

init();
