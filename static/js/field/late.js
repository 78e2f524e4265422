// Whether a daily report will be late, by the server's rule (webapp/health/figures.py): a unit's
// report is late when none of its reports of the day came by the cut-off, on the county's clock.
import { getItem, journalSince, listOutbox } from "../db.js";
import { daySettings } from "./figures.js";

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
