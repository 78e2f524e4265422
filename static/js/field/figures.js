// The day as the server knows it, plus what this phone saved: each person's current check per
// session, the daily report's figures, the sessions a class has done, and whether a report is
// late. The rules are the server's (webapp/health/figures.py): people are counted once over the
// day's sessions; a unit's report is late when none of its reports of the day came by the cut-off.
import { getItem, getMeta, journalSince, listCollection, listOutbox } from "../db.js";
import { today } from "./ui.js";

const KINDS = { health_check: ["s", "student_id"], staff_check: ["t", "staff_id"] };

export async function daySettings() {
  return (await getItem("settings", 1)) || (await getMeta("settings")) || {};
}

/** True when a check (its data) has fever, symptoms or an illness absence: the server's `abnormal`. */
export function isAbnormal(data, threshold) {
  if (!data.present) return data.absence_reason === "illness";
  return (data.temperature !== null && data.temperature >= threshold) || (data.symptoms || []).length > 0;
}

/** Map "<person>-<session>" → {person, session, present, abnormal, at} for `day`: the server's current
 *  checks (day_checks), replaced by a later one saved on this phone (refused ones aside). */
export async function dayChecks(day = today()) {
  const [settings, pulled, journal, outbox] = await Promise.all([
    daySettings(), listCollection("day_checks"), journalSince(day), listOutbox()]);
  const threshold = Number(settings.fever_threshold) || 37.3;
  const refused = new Set(outbox.filter((e) => e.state === "rejected").map((e) => e.id));
  const checks = new Map();
  const keep = (check) => {
    const key = `${check.person}-${check.session}`;
    const known = checks.get(key);
    if (!known || Date.parse(check.at) >= Date.parse(known.at)) checks.set(key, check);
  };
  pulled.filter((c) => c.date === day).forEach(keep);
  for (const record of journal) {
    const kind = KINDS[record.kind];
    if (!kind || record.data.date !== day || refused.has(record.id)) continue;
    keep({ person: `${kind[0]}${record.data[kind[1]]}`, session: record.data.session, present: record.data.present,
      abnormal: isAbnormal(record.data, threshold), at: record.recorded_at });
  }
  return checks;
}

/** A report's figures for these people ("s12", "t3" …): each counted once over the day's sessions. */
export function figuresOf(people, checks) {
  const numbers = { expected: people.length, checked: 0, absent: 0, abnormal: 0 };
  const sessions = ["morning", "noon"];
  for (const person of people) {
    const mine = sessions.map((s) => checks.get(`${person}-${s}`)).filter(Boolean);
    if (!mine.length) continue;
    numbers.checked += 1;
    if (mine.some((c) => !c.present)) numbers.absent += 1;
    if (mine.some((c) => c.abnormal)) numbers.abnormal += 1;
  }
  return numbers;
}

/** The sessions of which at least one of these people has a check today. */
export function sessionsDone(people, checks) {
  const done = new Set();
  for (const person of people) {
    for (const session of ["morning", "noon"]) if (checks.has(`${person}-${session}`)) done.add(session);
  }
  return done;
}

/** "YYYY-MM-DD HH:MM:SS" of a moment on the county's clock (the settings' time zone). */
export function countyClock(moment, zone) {
  try {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: zone, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(moment).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  } catch {
    const local = new Date(moment.getTime() - moment.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 19).replace("T", " ");
  }
}

/** Whether a report of `unitId` for `day` saved `now` will be late: the server's rule. */
export async function willBeLate(unitId, day, now = new Date()) {
  const settings = await daySettings();
  const deadline = `${day} ${settings.report_cutoff || "10:00"}:00`;
  const zone = settings.time_zone || "Asia/Shanghai";
  const onTime = (moment) => countyClock(moment, zone) <= deadline;
  if (onTime(now)) return false;
  const filed = await getItem("day_reports", Number(unitId));
  if (filed && filed.date === day && filed.on_time) return false;
  const refused = new Set((await listOutbox()).filter((e) => e.state === "rejected").map((e) => e.id));
  return !(await journalSince(day)).some((r) => r.kind === "daily_report" && String(r.data.unit_id) === String(unitId)
    && r.data.date === day && !refused.has(r.id) && onTime(new Date(r.recorded_at)));
}
