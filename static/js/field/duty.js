// On duty at a checkpoint, offline: pick the shift (from the pulled `shifts` and `checkpoints`),
// check in and out, and log each person passing. Every record goes to the outbox; the counts
// come from the entries saved on this phone (the journal). The common entry — in, verified,
// normal, disinfected — is one tap on the big button (plus a reading, if one is taken).
import { getItem, getMeta, journalSince, listCollection } from "../db.js";
import { t } from "../i18n.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, timeOf, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const CHOSEN = "shaodian.duty.choice"; // which shift this phone was on (an id, no personal data)
const SHOWN_DEFAULT = ["health_code"];
const page = { choices: [], threshold: 37.3 };

async function init() {
  $("shift").addEventListener("change", () => { localStorage.setItem(CHOSEN, $("shift").value); refresh(); });
  $("check-in").addEventListener("click", () => attend("check_in"));
  $("check-out").addEventListener("click", () => attend("check_out"));
  $("entry-form").addEventListener("submit", logEntry);
  $("entry-form").addEventListener("input", showFlag);
  $("entry-form").addEventListener("change", showFlag);
  for (const chip of document.querySelectorAll("[data-temperature]")) {
    chip.addEventListener("click", () => { $("temperature").value = chip.dataset.temperature; showFlag(); });
  }
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  await load();
}

async function load() {
  const settings = (await getItem("settings", 1)) || (await getMeta("settings")) || {};
  page.threshold = Number(settings.fever_threshold) || 37.3;
  page.choices = await choices();
  page.pulled = Boolean(await getMeta("lastPull"));
  fillSelect();
  await refresh();
}

// ---- which shift -------------------------------------------------------------------------

/** Shifts not long over (soonest first), then the checkpoints, for logging without a shift. */
async function choices() {
  const [shifts, checkpoints] = await Promise.all([listCollection("shifts"), listCollection("checkpoints")]);
  const places = new Map(checkpoints.map((c) => [c.id, c]));
  const recent = Date.now() - 12 * 3600000;
  const open = shifts.filter((s) => s.active !== false && Date.parse(s.ends_at) > recent)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at))
    .map((s) => ({ key: `shift:${s.id}`, shift: s, checkpoint: places.get(s.checkpoint_id) || { id: s.checkpoint_id } }));
  const plain = checkpoints.filter((c) => c.active !== false)
    .map((c) => ({ key: `checkpoint:${c.id}`, shift: null, checkpoint: c }));
  return open.concat(plain);
}

function label(choice) {
  const place = choice.checkpoint.name || `#${choice.checkpoint.id}`;
  if (!choice.shift) return t("duty_without_shift", { place });
  const { starts_at: starts, ends_at: ends } = choice.shift;
  return `${starts.slice(5, 10)} ${timeOf(starts)}–${timeOf(ends)} · ${place}`;
}

function fillSelect() {
  const select = $("shift");
  select.replaceChildren(...page.choices.map((c) => h("option", { value: c.key }, label(c))));
  $("no-shift").hidden = page.choices.length > 0;
  // Synced and still nothing: the person has no shift, which no connection will change.
  $("no-shift").textContent = t(page.pulled ? "duty_no_shifts" : "duty_connect_first");
  $("entry-form").hidden = $("attendance-bar").hidden = $("counts").hidden = page.choices.length === 0;
  select.closest(".field").hidden = page.choices.length === 0;
  const keys = page.choices.map((c) => c.key);
  const now = Date.now();
  const running = page.choices.find((c) => c.shift && Date.parse(c.shift.starts_at) <= now && now < Date.parse(c.shift.ends_at));
  const saved = localStorage.getItem(CHOSEN);
  select.value = running ? running.key : keys.includes(saved) ? saved : keys[0] || "";
}

function current() {
  return page.choices.find((c) => c.key === $("shift").value) || null;
}

async function refresh() {
  const choice = current();
  $("attendance-bar").hidden = !choice || !choice.shift;
  showInfo(choice);
  await showCounts(choice);
  showFlag();
}

function showInfo(choice) {
  const box = $("shift-info");
  if (!choice) return box.replaceChildren();
  const { checkpoint, shift } = choice;
  const lines = [h("div", {}, [checkpoint.village, checkpoint.address].filter(Boolean).join(" · "))];
  if (shift && shift.leader) {
    const phone = shift.leader_phone ? h("a", { href: `tel:${shift.leader_phone}` }, shift.leader_phone) : "";
    lines.push(h("div", {}, t("duty_leader", { name: shift.leader }), " ", phone));
  }
  if (shift && shift.people && shift.people.length) lines.push(h("div", {}, shift.people.join("、")));
  box.replaceChildren(...lines);
}

// ---- what this phone saved for the shift -------------------------------------------------

function belongs(record, choice) {
  if (!choice) return false;
  if (choice.shift) return record.data.shift_id === choice.shift.id;
  return record.data.checkpoint_id === choice.checkpoint.id && !record.data.shift_id && record.day === today();
}

function flagged(data) {
  return !data.verified || (data.temperature !== null && data.temperature !== undefined && data.temperature >= page.threshold);
}

async function showCounts(choice) {
  const since = today(new Date(Date.now() - 86400000));
  const records = (await journalSince(since)).filter((r) => belongs(r, choice));
  const entries = records.filter((r) => r.kind === "checkpoint_entry");
  $("count-in").textContent = entries.filter((r) => r.data.direction === "in").length;
  $("count-out").textContent = entries.filter((r) => r.data.direction === "out").length;
  $("count-flagged").textContent = entries.filter((r) => flagged(r.data)).length;
  const attendance = records.filter((r) => r.kind === "shift_attendance").pop();
  $("attendance").textContent = attendance
    ? t(attendance.data.action === "check_in" ? "duty_checked_in" : "duty_checked_out", { time: timeOf(attendance.recorded_at) })
    : "";
  $("recent").replaceChildren(...entries.slice(-10).reverse().map(entryItem));
}

function entryItem(record) {
  const d = record.data;
  const parts = [timeOf(record.recorded_at), t(d.direction === "in" ? "duty_in" : "duty_out"), d.name || "",
    d.temperature !== null && d.temperature !== undefined ? `${d.temperature} °C` : ""];
  const badge = flagged(d) ? h("span", { class: "badge bad" }, t("duty_flagged")) : "";
  return h("li", { class: flagged(d) ? "flagged" : "" }, parts.filter(Boolean).join(" · "), " ", badge);
}

// ---- saving ------------------------------------------------------------------------------

async function attend(action) {
  const choice = current();
  if (!choice || !choice.shift) return;
  try {
    await addRecord("shift_attendance", { shift_id: choice.shift.id, action });
  } catch (error) {
    return showError(error);
  }
  await refresh();
}

function formData() {
  const choice = current();
  const text = (id) => $(id).value.trim() || null;
  const reading = $("temperature").value.trim();
  return {
    checkpoint_id: choice.checkpoint.id, shift_id: choice.shift ? choice.shift.id : null,
    direction: document.querySelector("input[name=direction]:checked").value,
    name: text("name"), from_place: text("from_place"), to_place: text("to_place"),
    verified: $("verified").checked,
    shown: [...document.querySelectorAll("input[name=shown]:checked")].map((box) => box.value),
    temperature: reading === "" ? null : Number(reading),
    disinfected: $("disinfected").checked, plate: text("plate"), note: text("note"),
  };
}

function showFlag() {
  if (!current()) return;
  const data = formData();
  const reasons = [];
  if (data.temperature !== null && data.temperature >= page.threshold) reasons.push(t("duty_fever"));
  if (!data.verified) reasons.push(t("duty_unverified"));
  $("flag-warning").hidden = reasons.length === 0;
  $("flag-warning").textContent = reasons.length ? t("duty_will_flag", { why: reasons.join(", ") }) : "";
  const normal = reasons.length === 0 && data.disinfected;
  $("log-entry").textContent = t(normal ? "duty_log_normal" : "duty_log_entry");
}

async function logEntry(event) {
  event.preventDefault();
  if (!current()) return;
  $("entry-error").textContent = "";
  try {
    await addRecord("checkpoint_entry", formData());
  } catch (error) {
    return showError(error);
  }
  reset();
  $("entry-saved").hidden = false;
  $("entry-saved").textContent = t("duty_saved", { time: new Date().toTimeString().slice(0, 5) });
  await refresh();
}

function reset() {
  // The direction stays (a queue of people coming in); everything else returns to the normal entry.
  for (const id of ["temperature", "name", "from_place", "to_place", "plate", "note"]) $(id).value = "";
  $("verified").checked = $("disinfected").checked = true;
  for (const box of document.querySelectorAll("input[name=shown]")) box.checked = SHOWN_DEFAULT.includes(box.value);
  $("more").open = false;
}

function showError(error) {
  if (error instanceof ValidationError) {
    $("entry-error").textContent = Object.entries(error.errors).map(([field, why]) => `${t(`field_${field}`)}: ${why}`).join(" ");
  } else {
    $("entry-error").textContent = String(error.message || error);
  }
}

init();
