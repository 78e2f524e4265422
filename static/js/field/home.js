// The start screen: the tasks of the user's role, and the day's state: for each class (or the
// school) whether the morning and noon checks are done and the daily report is filed, on the
// server or on this phone (figures.js), and what waits to sync.
import { getItem, getMeta, journalSince, listCollection, listOutbox } from "../db.js";
import { t, word } from "../i18n.js";
import { CHANGED, counts } from "../outbox.js";
import { REFERENCE, USER, whenSessionKnown } from "../sync.js";
import { dayChecks, sessionsDone } from "./figures.js";
import { h, today } from "./ui.js";

async function showTasks() {
  const user = await getMeta("user");
  for (const item of document.querySelectorAll("#tasks [data-roles]")) {
    item.hidden = Boolean(user) && !item.dataset.roles.split(" ").includes(user.role);
  }
  await showDay(user);
  document.getElementById("tasks").hidden = false;
}

/** The units whose day the user answers for: a homeroom teacher's classes, a school admin's school. */
async function unitsOf(user) {
  if (!user) return [];
  if (user.role === "homeroom_teacher") {
    const [classes, students] = await Promise.all([listCollection("classes"), listCollection("students")]);
    return classes.map((c) => ({ id: c.id, name: c.name,
      people: students.filter((s) => s.class_id === c.id && s.active !== false).map((s) => `s${s.id}`) }));
  }
  const scope = await getMeta("scope");
  if (user.role !== "school_admin" || !scope || scope.kind !== "school") return [];
  const staff = await listCollection("staff");
  return [{ id: scope.id, name: scope.name, staffCheck: true,
    people: staff.filter((s) => s.active !== false).map((s) => `t${s.id}`) }];
}

async function reported(unitId, day) {
  const filed = await getItem("day_reports", unitId);
  if (filed && filed.date === day) return true;
  const refused = new Set((await listOutbox()).filter((e) => e.state === "rejected").map((e) => e.id));
  return (await journalSince(day)).some((r) => r.kind === "daily_report" && r.data.unit_id === unitId &&
    r.data.date === day && !refused.has(r.id));
}

async function showDay(user) {
  const day = today();
  const [units, checks, waiting] = await Promise.all([unitsOf(user), dayChecks(day), counts()]);
  const lines = [];
  for (const unit of units) {
    const done = sessionsDone(unit.people, checks);
    const state = (ok, text) => h("span", { class: `badge ${ok ? "ok" : "warn"}` }, text);
    const checkWord = (s) => `${word(`session_${s}`, s)}${unit.staffCheck ? ` (${t("staff_short")})` : ""}`;
    const filed = await reported(unit.id, day);
    lines.push(h("li", { "data-unit": unit.id }, h("strong", {}, unit.name), " ",
      ...["morning", "noon"].map((s) => state(done.has(s), `${checkWord(s)} ${done.has(s) ? t("state_done") : t("state_not_done")}`)),
      state(filed, filed ? t("state_reported") : t("state_not_reported"))));
  }
  lines.push(h("li", { id: "today-waiting" }, waiting.pending ? t("waiting", { n: waiting.pending }) : t("all_synced")));
  document.getElementById("today").replaceChildren(...lines);
}

whenSessionKnown().then(showTasks);
[REFERENCE, USER, CHANGED].forEach((name) => window.addEventListener(name, showTasks));
