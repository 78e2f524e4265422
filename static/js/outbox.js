// The outbox: every record is saved here first, online or not; the sync loop sends it.
// An entry: {id, kind, recorded_at, data, state: "pending" | "rejected", code, errors, user_id, username}.
import * as db from "./db.js";
import { check, schemaOf, ValidationError } from "./kinds.js";

export { ValidationError };
export const CHANGED = "shaodian:outbox";

/** Now as ISO 8601 with the phone's UTC offset, e.g. 2026-03-02T07:41:09+08:00. */
export function isoLocal(date = new Date()) {
  const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day}T${time}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Validate one record against its kind's schema, save it, and ask the sync loop to run. */
export async function addRecord(kind, data) {
  return (await addRecords(kind, [data]))[0];
}

/** Save several records of one kind at once (a whole class): all of them or, if one is refused, none. */
export async function addRecords(kind, list, replacing = null) {
  const schema = await schemaOf(kind);
  list.forEach((data, index) => {
    const errors = check(schema, data);
    if (Object.keys(errors).length) throw Object.assign(new ValidationError(errors), { index });
  });
  const user = await db.getMeta("user");
  if (!user) throw new Error("not logged in on this phone");
  const recorded_at = isoLocal();
  const entries = list.map((data) => ({ id: db.uuid(), kind, recorded_at, data, state: "pending",
    user_id: user.id, username: user.username }));
  await db.addEntries(entries, replacing);
  changed();
  return entries;
}

export async function listOutbox() {
  const entries = await db.listOutbox();
  return entries.sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
}

export async function discard(id) {
  await db.removeEntries([id]);
  changed();
}

/** Fix a rejected record: the corrected data becomes a new record (new id); the rejected one goes. */
export async function resubmit(id, data) {
  const entry = await db.getOutbox(id);
  if (!entry) throw new Error("no such record");
  return (await addRecords(entry.kind, [data], id))[0];
}

/** Save a record the server refused for the phone's clock again: a new record stamped now.

Its day (data.date) was the phone's wrong day; it moves by as much as the clock was off when the
server answered, so a check made on the real 2 March stays a check of 2 March.
*/
export async function saveAgain(id) {
  const entry = await db.getOutbox(id);
  if (!entry) throw new Error("no such record");
  const data = { ...entry.data };
  if (entry.skew && data.date === entry.recorded_at.slice(0, 10)) {
    data.date = isoLocal(new Date(Date.parse(entry.recorded_at) - entry.skew)).slice(0, 10);
  }
  return (await addRecords(entry.kind, [data], id))[0];
}

/** {pending, rejected} of the logged-in user, and `foreign`: records left by another account. */
export async function counts() {
  const [entries, user] = await Promise.all([db.listOutbox(), db.getMeta("user")]);
  const mine = entries.filter((e) => user && e.user_id === user.id);
  return { pending: mine.filter((e) => e.state === "pending").length,
    rejected: mine.filter((e) => e.state === "rejected").length, foreign: entries.length - mine.length };
}

function changed() {
  window.dispatchEvent(new CustomEvent(CHANGED));
}
