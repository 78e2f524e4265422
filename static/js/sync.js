// The sync loop: sends the outbox to the server and pulls the reference data.
// One run at a time (across tabs too, where the browser has Web Locks). An entry leaves the
// outbox only when the server answered "accepted" or "duplicate" for it; network errors,
// timeouts and 5xx keep everything and retry with capped back-off; 401 pauses until the user
// logs in again. See docs/sync.md.
import * as db from "./db.js";
import { CHANGED, isoLocal } from "./outbox.js";

const BATCH = 100;
const TIMEOUT = 30000;
const PERIOD = 30000;
const PULL_EVERY = 5 * 60000;
const MAX_PAGES = 500;  // a runaway guard: 500 pages of 1,000 items is more than any scope holds
const BACKOFF = [5000, 10000, 20000, 40000, 60000];
export const REFERENCE = "shaodian:reference";
export const CLOCK = "shaodian:clock";
export const USER = "shaodian:user";

const state = { running: null, again: false, failures: 0, timer: null, nextAt: null, paused: null,
  error: null, session: null, pulled: false, batch: BATCH };
const listeners = new Set();

class AuthError extends Error {
  constructor(reason) { super(reason); this.reason = reason; }
}

/** Call `callback(status)` now and at every change; returns the unsubscribe function. */
export function onSyncStatus(callback) {
  listeners.add(callback);
  callback(snapshot());
  return () => listeners.delete(callback);
}

function snapshot() {
  return { running: Boolean(state.running), paused: state.paused, error: state.error,
    offline: !navigator.onLine, failures: state.failures, nextAt: state.failures ? state.nextAt : null };
}

function emit() {
  const status = snapshot();
  listeners.forEach((callback) => callback(status));
}

/** Run a sync now (or join the one running). Resolves when it is over; never rejects. */
export function syncNow({ pull = false } = {}) {
  if (pull) state.pulled = false;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = withLock(run).finally(() => {
    state.running = null;
    if (state.again && !state.paused && !state.failures) {
      state.again = false;
      return syncNow();
    }
    schedule();
    emit();
  });
  emit();
  return state.running;
}

function withLock(work) {
  // Two tabs pushing the same records would be harmless (the server stores each id once) but wasteful.
  if (!navigator.locks) return work();
  return navigator.locks.request("shaodian-sync", { ifAvailable: true }, (lock) => (lock ? work() : null));
}

let sessionKnown;
const firstCheck = new Promise((resolve) => { sessionKnown = resolve; });

/** Resolves once the first run asked the server who is logged in (or could not), at most `ms` later. */
export function whenSessionKnown(ms = 3000) {
  return Promise.race([firstCheck, new Promise((resolve) => setTimeout(resolve, ms))]);
}

async function run() {
  try {
    await runOnce();
  } finally {
    sessionKnown();
  }
}

async function runOnce() {
  state.again = false;
  if (state.paused || !navigator.onLine) return;
  try {
    const pending = await pendingEntries();
    const pullDue = !state.pulled || (await db.getMeta("pullMore")) ||
      Date.now() - ((await db.getMeta("lastPull")) || 0) > PULL_EVERY;
    if (!pending.length && !pullDue && state.session) return;
    const session = await ensureSession();
    const sent = await pushAll(session.user);
    if (sent || pullDue) await pullReference();
    state.failures = 0;
    state.error = null;
    await db.setMeta("lastSync", Date.now());
  } catch (error) {
    failed(error);
  }
}

function failed(error) {
  if (error instanceof AuthError) {
    state.paused = error.reason;
    state.session = null;
    return;
  }
  state.failures += 1;
  state.error = error.message || String(error);
}

function schedule() {
  clearTimeout(state.timer);
  if (state.paused) return;
  const delay = state.failures ? BACKOFF[Math.min(state.failures, BACKOFF.length) - 1] : PERIOD;
  state.nextAt = Date.now() + delay;
  state.timer = setTimeout(() => syncNow(), delay);
}

async function pendingEntries() {
  const user = await db.getMeta("user");
  const entries = await db.listOutbox();
  return entries.filter((e) => e.state === "pending" && user && e.user_id === user.id)
    .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
}

// ---- the session -------------------------------------------------------------------------

async function request(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT);
  try {
    return await fetch(url, { credentials: "same-origin", ...options, signal: controller.signal });
  } catch (error) {
    throw new Error(error.name === "AbortError" ? "timeout" : "network");
  } finally {
    clearTimeout(timer);
  }
}

function authFailure(response) {
  if (response.status === 401) return new AuthError("login");
  if (response.status === 403) return new AuthError("password");
  return null;
}

/** The server's session (user, scope, CSRF token); makes the phone's data follow the user. */
export async function refreshSession() {
  const response = await request("/api/v1/session");
  const failure = authFailure(response);
  if (failure) throw failure;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const session = await response.json();
  await noteServerTime(session.server_time);
  await adoptUser(session);
  state.session = session;
  return session;
}

async function ensureSession() {
  return state.session || refreshSession();
}

async function adoptUser(session) {
  const known = await db.getMeta("user");
  if (known && known.id !== session.user.id) {
    // Another account on this phone: the previous one's reference data goes; its unsynced
    // records stay in the outbox (shown, exportable), never pushed under the new account.
    await db.clearUserData();
    state.pulled = false;
    window.dispatchEvent(new CustomEvent(USER));
  }
  await db.setMeta("user", session.user);
  await db.setMeta("scope", session.scope);
  if (session.settings) await db.setMeta("settings", session.settings);
}

// ---- push --------------------------------------------------------------------------------

async function pushAll(user) {
  const entries = (await pendingEntries()).filter((e) => e.user_id === user.id);
  for (let start = 0; start < entries.length;) {
    const batch = entries.slice(start, start + state.batch);
    if (await pushBatch(batch)) start += batch.length;
  }
  return entries.length;
}

/** Send one batch; true when the server answered for it, false to send it again smaller. */
async function pushBatch(batch) {
  // sent_at: the phone's clock now, so the server can tell how far behind it runs (docs/sync.md).
  const body = JSON.stringify({ device_id: await db.deviceId(), sent_at: isoLocal(), records: batch.map(envelope) });
  let response = await post(body);
  if (response.status === 400) {
    // Most likely an expired CSRF token: take a fresh one and try once more.
    await refreshSession();
    response = await post(body);
  }
  if (response.status === 413 && state.batch > 1) {
    const answer = await response.json().catch(() => ({}));
    state.batch = Math.max(1, Math.min(answer.limit || 1, Math.floor(batch.length / 2)));
    return false;
  }
  const failure = authFailure(response);
  if (failure) throw failure;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const answer = await response.json();
  const skew = await noteServerTime(answer.server_time);
  await settle(batch, answer.results || [], skew);
  return true;
}

/** How far this phone's clock runs ahead of the server's (ms; negative: behind), kept in meta. */
async function noteServerTime(serverTime) {
  const server = Date.parse(serverTime || "");
  if (Number.isNaN(server)) return null;
  // The server's time is taken to the second when it answers: within a few seconds is "right".
  const skew = Date.now() - server;
  await db.setMeta("clockSkew", skew);
  window.dispatchEvent(new CustomEvent(CLOCK, { detail: skew }));
  return skew;
}

function post(body) {
  return request("/api/v1/sync/push", { method: "POST", body,
    headers: { "Content-Type": "application/json", "X-CSRFToken": state.session.csrf_token } });
}

export function envelope({ id, kind, recorded_at, data }) {
  return { id, kind, recorded_at, data };
}

async function settle(batch, results, skew) {
  const ids = new Set(batch.map((e) => e.id));
  const mine = results.filter((r) => ids.has(r.id));
  const acknowledged = mine.filter((r) => r.status === "accepted" || r.status === "duplicate").map((r) => r.id);
  // A record refused for the clock keeps how far the clock was off, to put its day right when saved again.
  const rejected = mine.filter((r) => r.status === "rejected").map((r) => (r.code === "clock" ? { ...r, skew } : r));
  await db.settle(acknowledged, rejected);
}

// ---- pull --------------------------------------------------------------------------------

/** Bring the reference data up to date, page after page (from the cursor kept in meta).

Each page is stored with its cursor in one transaction, so a pull cut off half way (no signal,
the app closed) goes on from the page it reached the next time. */
export async function pullReference() {
  for (let page = 0; page < MAX_PAGES; page++) {
    const cursor = (await db.getMeta("cursor")) || "";
    const response = await request(`/api/v1/sync/pull?pages=1&cursor=${encodeURIComponent(cursor)}`);
    const failure = authFailure(response);
    if (failure) throw failure;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const answer = await response.json();
    await db.applyPull(answer);
    window.dispatchEvent(new CustomEvent(REFERENCE));
    if (!answer.more) break;
  }
  state.pulled = true;
}

// ---- logging in again --------------------------------------------------------------------

/** Log in again with the password (username kept on the phone); resumes the sync. */
export async function logInAgain(password) {
  const user = await db.getMeta("user");
  const page = await request("/login");
  const html = new DOMParser().parseFromString(await page.text(), "text/html");
  const token = html.querySelector("input[name=csrf_token]");
  const form = new URLSearchParams({ login: user.username, password, csrf_token: token ? token.value : "" });
  const response = await request(`/login?next=${encodeURIComponent("/api/v1/session")}`, { method: "POST", body: form });
  if (response.status === 429) return "throttled";
  if (!(response.headers.get("Content-Type") || "").includes("json")) return "wrong";
  state.session = null;
  state.paused = null;
  state.failures = 0;
  syncNow({ pull: true });
  return "ok";
}

// ---- starting ----------------------------------------------------------------------------

let started = false;

/** Start the loop: now, on `online`, on new records, every 30 s, and when the service worker asks. */
export function startSync() {
  if (started) return;
  started = true;
  window.addEventListener("online", resume);
  window.addEventListener("offline", emit);
  window.addEventListener(CHANGED, () => { syncNow(); registerBackgroundSync(); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) resume(); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "sync") syncNow();
    });
  }
  syncNow({ pull: true });
}

function resume() {
  // Back online, or back to this tab (perhaps after logging in in another one): try at once.
  state.failures = 0;
  if (state.paused) state.paused = state.session = null;
  syncNow();
}

function registerBackgroundSync() {
  // Where the browser has Background Sync it wakes us when the connection returns; never relied on.
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register("shaodian-outbox"))
    .catch(() => {});
}

export const status = snapshot;
