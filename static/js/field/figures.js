// The day as the server knows it, plus what this phone saved: each person's current check per
// session, the daily report's figures, the sessions a class has done. The rule is the server's
// (webapp/health/figures.py): people are counted once over the day's sessions.
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
