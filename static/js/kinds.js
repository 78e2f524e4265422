// The record kinds' schemas (from the server's OpenAPI document, generated from the same
// declarations the server validates with), and the check a record passes before it is saved.
import { getMeta, setMeta } from "./db.js";
import { t } from "./i18n.js";
import { today } from "./field/ui.js";

const URL = "/api/v1/openapi.json";
let schemas = null;

export class ValidationError extends Error {
  constructor(errors) {
    super(Object.entries(errors).map(([field, reason]) => `${field}: ${reason}`).join("; "));
    this.name = "ValidationError";
    this.errors = errors;
  }
}

/** The kinds' schemas: from the network (or the service worker's copy), else the last one kept. */
export async function loadSchemas() {
  if (schemas) return schemas;
  try {
    const response = await fetch(URL, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    schemas = (await response.json()).components.schemas;
    await setMeta("schemas", schemas);
  } catch {
    schemas = (await getMeta("schemas")) || null;
  }
  return schemas || {};
}

export async function schemaOf(kind) {
  return (await loadSchemas())[kind] || null;
}

/** {field: reason} for every value the kind's schema refuses (empty when all is well). */
export function check(schema, data) {
  const errors = {};
  if (!schema) return errors;
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const reason = checkValue(field, data[name], (schema.required || []).includes(name));
    if (reason) errors[name] = reason;
  }
  return errors;
}

function checkValue(field, value, required) {
  const types = [].concat(field.type);
  if (value === null || value === undefined) {
    return types.includes("null") || (!required && value === undefined) ? null : t("required");
  }
  if (!types.some((type) => hasType(type, value))) return t("wrong_type");
  if (field.minimum !== undefined && value < field.minimum) return t("at_least", { min: field.minimum });
  if (field.maximum !== undefined && value > field.maximum) return t("at_most", { max: field.maximum });
  if (field.maxLength !== undefined && value.length > field.maxLength) return t("too_long", { n: field.maxLength });
  const allowed = field.enum || (field.items && field.items.enum);
  if (allowed && [].concat(value).some((v) => !allowed.includes(v))) return t("not_allowed");
  if (field.format === "date") return checkDay(field, value);
  return null;
}

/** A day: well formed, within the declared years and, for a day a record is for, the declared days back. */
function checkDay(field, value) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return t("bad_date");
  const { minimum, maximum } = dayBounds(field);
  if (minimum && value < minimum) return t("at_least", { min: minimum });
  if (maximum && value > maximum) return t("at_most", { max: maximum });
  return null;
}

/** A date field's first and last day (YYYY-MM-DD): the declared years, narrowed to today and
 *  `x-days-back` before it when the field declares them (webapp/fields.py, the same rule). */
function dayBounds(field) {
  let minimum = field.formatMinimum, maximum = field.formatMaximum;
  if (field["x-days-back"] !== undefined) {
    const now = today();
    const first = today(new Date(Date.now() - field["x-days-back"] * 86400000));
    if (!maximum || now < maximum) maximum = now;
    if (!minimum || first > minimum) minimum = first;
  }
  return { minimum, maximum };
}

function hasType(type, value) {
  if (type === "integer") return Number.isInteger(value);
  if (type === "number") return typeof value === "number" && Number.isFinite(value);
  if (type === "array") return Array.isArray(value);
  return typeof value === type;
}

/** A field's bounds, for the form's min/max attributes: {minimum, maximum} or {} (days as YYYY-MM-DD). */
export function bounds(schema, name) {
  const field = (schema && schema.properties && schema.properties[name]) || {};
  if (field.format === "date") return dayBounds(field);
  return { minimum: field.minimum, maximum: field.maximum };
}
