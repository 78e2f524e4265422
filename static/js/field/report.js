// The daily report (or zero report) for my class, or my school: its figures are those of the
// checks the server holds plus those waiting on this phone (figures.js, the server's rule); a
// zero report must be confirmed explicitly; late by the server's rule.
import { getMeta, journalSince, listCollection } from "../db.js";
import { t } from "../i18n.js";
import { ValidationError, addRecord, counts } from "../outbox.js";
import { REFERENCE, USER, whenSessionKnown } from "../sync.js";
import { dayChecks, daySettings, figuresOf } from "./figures.js";
import { willBeLate } from "./late.js";
import { ago, h, timeOf, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const COUNTS = ["expected", "checked", "absent", "abnormal"];
const page = { units: [] };

async function init() {
  $("date").value = today();
  $("unit").addEventListener("change", load);
  $("report-form").addEventListener("submit", send);
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await whenSessionKnown();  // never the lists of the account that used this phone before
  await load();
}

async function load() {
  await fillUnits();
  const unit = page.units.find((u) => String(u.id) === $("unit").value);
  const numbers = unit ? figuresOf(await peopleOf(unit), await dayChecks(today()))
    : { expected: 0, checked: 0, absent: 0, abnormal: 0 };
  COUNTS.forEach((name) => { $(name).value = numbers[name]; });
  $("as-of").textContent = t("figures_as_of", { when: ago(await getMeta("lastPull")) });
  showZero();
  await showCutoff();
  await showSent();
}

async function fillUnits() {
  const [user, scope, classes] = await Promise.all([getMeta("user"), getMeta("scope"), listCollection("classes")]);
  const role = user ? user.role : "";
  const school = scope && scope.kind === "school" && role === "school_admin" ? [{ ...scope, school: true }] : [];
  page.units = school.concat(role === "homeroom_teacher" ? classes : []);
  const current = $("unit").value;
  $("unit").replaceChildren(...page.units.map((u) => h("option", { value: u.id }, u.label || u.name)));
  if (page.units.some((u) => String(u.id) === current)) $("unit").value = current;
}

async function peopleOf(unit) {
  const active = (p) => p.active !== false;
  const students = (await listCollection("students")).filter(active);
  if (!unit.school) return students.filter((s) => s.class_id === unit.id).map((s) => `s${s.id}`);
  const classes = new Set((await listCollection("classes")).filter((c) => c.school_id === unit.id).map((c) => c.id));
  const staff = (await listCollection("staff")).filter(active);
  return students.filter((s) => classes.has(s.class_id)).map((s) => `s${s.id}`).concat(staff.map((s) => `t${s.id}`));
}

function number(name) {
  return Math.max(0, Math.trunc(Number($(name).value) || 0));
}

function showZero() {
  const nothing = number("abnormal") === 0;
  $("zero-box").hidden = !nothing;
  if (!nothing) $("zero").checked = false;
}

async function showCutoff() {
  const cutoff = (await daySettings()).report_cutoff || "10:00";
  const late = Boolean($("unit").value) && await willBeLate($("unit").value, $("date").value);
  $("cutoff").textContent = late ? t("late", { time: cutoff }) : t("due_by", { time: cutoff });
  $("cutoff").className = late ? "notice" : "hint";
}

async function showSent() {
  const unit = $("unit").value;
  const sent = (await journalSince(today())).filter((r) => r.kind === "daily_report" && String(r.data.unit_id) === unit);
  $("sent").replaceChildren(...sent.map((r) => h("li", {}, t("reported_at", { time: timeOf(r.recorded_at) }),
    r.data.zero_report ? ` · ${t("zero_report_sent")}` : "")));
  $("sent").hidden = !sent.length;
}

async function send(event) {
  event.preventDefault();
  $("report-error").textContent = "";
  $("saved").hidden = true;
  const values = Object.fromEntries(COUNTS.map((name) => [name, number(name)]));
  if (values.checked > values.expected || values.absent > values.checked || values.abnormal > values.checked) {
    return ($("report-error").textContent = t("count_order"));
  }
  if (values.abnormal === 0 && !$("zero").checked) return ($("report-error").textContent = t("zero_required"));
  const data = { unit_id: Number($("unit").value), date: $("date").value, zero_report: values.abnormal === 0,
    ...values, note: $("note").value.trim() || null };
  try {
    await addRecord("daily_report", data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return ($("report-error").textContent = Object.values(error.errors).join(" "));
  }
  $("saved").textContent = t("report_saved", { pending: (await counts()).pending });
  $("saved").hidden = false;
  await showSent();
  await showCutoff();
}

init();
