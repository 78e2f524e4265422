// Small helpers shared by the field screens: building elements, dates, and words for records.
import { getItem } from "../db.js";
import { lang, t, word } from "../i18n.js";

/** h("button", {class: "primary", onclick}, "Save") → an element; children may be strings or nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && key !== "list" && key !== "form") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** The phone's local date as YYYY-MM-DD. */
export function today(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "5 minutes ago", in the page's language. */
export function ago(timestamp) {
  if (!timestamp) return t("never");
  const seconds = Math.round((timestamp - Date.now()) / 1000);
  const steps = [[60, "second"], [3600, "minute"], [86400, "hour"], [Infinity, "day"]];
  const [, unit] = steps.find(([limit]) => Math.abs(seconds) < limit);
  const size = { second: 1, minute: 60, hour: 3600, day: 86400 }[unit];
  if (!window.Intl || !Intl.RelativeTimeFormat) return new Date(timestamp).toLocaleString();
  return new Intl.RelativeTimeFormat(lang(), { numeric: "auto" }).format(Math.round(seconds / size), unit);
}

/** "about 1 day", "about 3 hours", "12 minutes": how long `ms` is, in the largest unit that fits. */
export function duration(ms) {
  const minutes = Math.round(ms / 60000);
  const [n, unit] = minutes >= 23.5 * 60 ? [Math.round(minutes / 1440), "about_day"]
    : minutes >= 60 ? [Math.round(minutes / 60), "about_hour"] : [minutes, "minute"];
  return t(n === 1 ? unit : `${unit}s`, { n });
}

export function timeOf(iso) {
  return iso ? iso.slice(11, 16) : "";
}

const SUBJECTS = { student_id: "students", staff_id: "staff", unit_id: "classes" };

/** "Health check · 学生A11001 · 2026-03-02", without more health data than needed. */
export async function describe(entry) {
  const parts = [word(`kind_${entry.kind}`, entry.kind)];
  for (const [field, collection] of Object.entries(SUBJECTS)) {
    if (entry.data && entry.data[field] !== undefined) {
      const item = await getItem(collection, entry.data[field]);
      parts.push(item ? item.label || item.name : `#${entry.data[field]}`);
    }
  }
  parts.push((entry.data && entry.data.date) || entry.recorded_at.slice(0, 10));
  return parts.join(" · ");
}

/** The server's reason for refusing a record, in words. */
export function reason(entry) {
  const errors = Object.entries(entry.errors || {}).map(([field, text]) => `${word(`field_${field}`, field)}: ${text}`);
  return [t(`code_${entry.code || "invalid"}`), ...errors].join(" ");
}
