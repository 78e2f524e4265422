// The phone's database: the ONLY module that knows the IndexedDB schema.
// Stores: outbox (records not yet acknowledged by the server), reference (pulled collections),
// journal (records saved on this phone in the last days, for "already checked" and the daily
// counts), meta (cursor, last sync, device id, the logged-in user, the last command view opened).

const NAME = "shaodian";

// The version ladder: step i upgrades version i to i + 1. Never edit a step that has shipped;
// append a new one (phones skip none of them, whatever version they hold).
const STEPS = [
  (db) => {
    db.createObjectStore("outbox", { keyPath: "id" }).createIndex("state", "state");
    db.createObjectStore("reference", { keyPath: ["collection", "id"] }).createIndex("collection", "collection");
    db.createObjectStore("journal", { keyPath: "id" }).createIndex("day", "day");
    db.createObjectStore("meta");
  },
];
export const VERSION = STEPS.length;

// Meta keys that belong to the logged-in user; they leave the phone at logout.
const USER_META = ["user", "scope", "cursor", "lastSync", "lastPull", "csrf", "clockSkew", "pullMore", "dashboard"];

let opening = null;

function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = (event) => {
        for (let v = event.oldVersion; v < VERSION; v++) STEPS[v](request.result, request.transaction);
      };
      request.onsuccess = () => resolve(watch(request.result));
      request.onerror = () => { opening = null; reject(request.error); };
      request.onblocked = () => console.warn("shaodian: database upgrade waits for another tab to close");
    });
  }
  return opening;
}

function watch(db) {
  // The browser may close the connection (iOS under memory pressure, another tab upgrading):
  // forget it, so that the next call opens a fresh one.
  const forget = () => { opening = null; };
  db.onclose = forget;
  db.onversionchange = () => { db.close(); forget(); };
  return db;
}

function isClosed(error) {
  return error && (error.name === "InvalidStateError" || error.name === "TransactionInactiveError" ||
    /clos/i.test(error.message || ""));
}

function runOnce(db, stores, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    const names = Array.isArray(stores) ? stores : [stores];
    const handles = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    let result;
    Promise.resolve(work(handles, tx)).then((value) => { result = value; }, (error) => {
      try { tx.abort(); } catch { /* already finished */ }
      reject(error);
    });
    tx.oncomplete = () => resolve(result);
    tx.onabort = tx.onerror = () => reject(tx.error || new DOMException("Transaction aborted", "AbortError"));
  });
}

/** Run `work(stores)` in one transaction; reopen the database and retry once if it was closed. */
export async function run(stores, mode, work) {
  try {
    return await runOnce(await openDb(), stores, mode, work);
  } catch (error) {
    if (!isClosed(error)) throw error;
    opening = null;
    return runOnce(await openDb(), stores, mode, work);
  }
}

/** The value of an IDBRequest, as a promise (only inside a `run` callback). */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// ---- meta --------------------------------------------------------------------------------

export const getMeta = (key) => run("meta", "readonly", (s) => req(s.meta.get(key)));
export const setMeta = (key, value) => run("meta", "readwrite", (s) => { s.meta.put(value, key); });
export const deleteMeta = (key) => run("meta", "readwrite", (s) => { s.meta.delete(key); });

/** A random id for this phone, made once and kept across logins. */
export async function deviceId() {
  let id = await getMeta("deviceId");
  if (!id) {
    id = uuid();
    await setMeta("deviceId", id);
  }
  return id;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- reference data ----------------------------------------------------------------------

export function listCollection(name) {
  return run("reference", "readonly", async (s) => {
    const rows = await req(s.reference.index("collection").getAll(name));
    return rows.map((row) => row.item);
  });
}

export function getItem(collection, id) {
  return run("reference", "readonly", async (s) => {
    const row = await req(s.reference.get([collection, id]));
    return row ? row.item : null;
  });
}

/** Apply one page of a pull in one transaction with its cursor: a page is either kept whole or not at all.

Items are merged by id. The pages of a full pull mark what they bring with the pull's `sequence`;
its last page removes what none of them brought (a student who left), so the lists are never
half empty while the pages come, and a pull cut off half way goes on from its cursor.
*/
export function applyPull({ cursor, full, more, sequence, data }) {
  return run(["reference", "meta"], "readwrite", async (s) => {
    for (const [name, items] of Object.entries(data || {})) {
      for (const item of items) {
        if (item.active === false) s.reference.delete([name, item.id]);
        else s.reference.put({ collection: name, id: item.id, item, sequence: full ? sequence : null });
      }
      if (full && !more) await dropOthers(s.reference, name, sequence);
    }
    s.meta.put(cursor, "cursor");
    s.meta.put(Boolean(more), "pullMore");  // a pull cut off half way is due again at once
    if (!more) s.meta.put(Date.now(), "lastPull");
  });
}

async function dropOthers(store, name, sequence) {
  const rows = await req(store.index("collection").getAll(name));
  rows.filter((row) => row.sequence !== sequence).forEach((row) => store.delete([name, row.id]));
}

// ---- outbox and journal ------------------------------------------------------------------

export const listOutbox = () => run("outbox", "readonly", (s) => req(s.outbox.getAll()));
export const getOutbox = (id) => run("outbox", "readonly", (s) => req(s.outbox.get(id)));

/** Save entries to the outbox and the journal together: the record exists on the phone or not at all. */
export function addEntries(entries, replacing = null) {
  return run(["outbox", "journal"], "readwrite", (s) => {
    for (const entry of entries) {
      s.outbox.put(entry);
      s.journal.put(journalRow(entry));
    }
    if (replacing) {
      s.outbox.delete(replacing);
      s.journal.delete(replacing);
    }
  });
}

function journalRow(entry) {
  const { id, kind, recorded_at, data, user_id } = entry;
  return { id, kind, recorded_at, data, user_id, day: recorded_at.slice(0, 10) };
}

/** Apply the server's answers: acknowledged entries leave, rejected ones keep their reason. */
export function settle(acknowledged, rejected) {
  return run("outbox", "readwrite", async (s) => {
    acknowledged.forEach((id) => s.outbox.delete(id));
    for (const { id, code, errors, skew } of rejected) {
      const entry = await req(s.outbox.get(id));
      if (entry) s.outbox.put({ ...entry, state: "rejected", code, errors: errors || {}, skew: skew ?? null });
    }
  });
}

/** Remove an entry for good (the user chose to discard it): from the outbox and the journal. */
export function removeEntries(ids) {
  return run(["outbox", "journal"], "readwrite", (s) => {
    ids.forEach((id) => { s.outbox.delete(id); s.journal.delete(id); });
  });
}

/** Records saved on this phone since `day` (YYYY-MM-DD), oldest first. */
export function journalSince(day) {
  return run("journal", "readonly", async (s) => {
    const rows = await req(s.journal.index("day").getAll(IDBKeyRange.lowerBound(day)));
    return rows.sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
  });
}

export function pruneJournal(beforeDay) {
  return run("journal", "readwrite", async (s) => {
    const keys = await req(s.journal.index("day").getAllKeys(IDBKeyRange.upperBound(beforeDay, true)));
    keys.forEach((key) => s.journal.delete(key));
  });
}

// ---- the user's data ---------------------------------------------------------------------

/** Remove the user's data from the phone: reference, journal, user meta, and the outbox if asked. */
export function clearUserData({ outbox = false } = {}) {
  const stores = ["reference", "journal", "meta", ...(outbox ? ["outbox"] : [])];
  return run(stores, "readwrite", (s) => {
    s.reference.clear();
    s.journal.clear();
    USER_META.forEach((key) => s.meta.delete(key));
    if (outbox) s.outbox.clear();
  });
}

/** Ask the browser once to keep our storage (so that it is not evicted while records wait). */
export async function askPersistence() {
  if (!navigator.storage || !navigator.storage.persist || await getMeta("persistAsked")) return;
  await setMeta("persistAsked", true);
  await navigator.storage.persist().catch(() => false);
}
