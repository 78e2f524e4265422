// Fix a rejected record: a small form built from the kind's schema, pre-filled with what was
// sent. Saving makes a new record (new id) and discards the rejected one.
import { t, word } from "../i18n.js";
import { ValidationError, resubmit } from "../outbox.js";
import { schemaOf } from "../kinds.js";
import { h } from "./ui.js";

const FIXED = ["student_id", "staff_id", "unit_id", "date"];  // who and which day are not edited here

/** Open the fix form for `entry` inside `container` (its line in the rejected list). */
export async function openFix(entry, container) {
  if (container.querySelector("form.fix")) return;
  const schema = await schemaOf(entry.kind);
  const properties = (schema && schema.properties) || {};
  const inputs = {};
  const controls = Object.entries(properties).filter(([name]) => !FIXED.includes(name))
    .map(([name, field]) => control(entry, name, field, inputs));
  const form = h("form", { class: "fix stack", onsubmit: (event) => save(event, entry, properties, inputs) },
    ...controls, h("button", { type: "submit", class: "primary" }, t("save_fix")));
  container.append(form);
}

function control(entry, name, field, inputs) {
  const id = `fix-${entry.id}-${name}`;
  const value = entry.data[name];
  const types = [].concat(field.type);
  const label = h("label", { for: id }, word(`field_${name}`, name));
  let input;
  if (types.includes("boolean")) input = h("input", { type: "checkbox", id, checked: Boolean(value) });
  else if (field.enum) input = select(id, field.enum, value, name, types.includes("null"));
  else if (types.includes("array")) return choices(id, label, field.items.enum || [], value || [], name, inputs);
  else if (types.includes("number") || types.includes("integer")) {
    input = h("input", { type: "number", id, step: "any", inputmode: "decimal", value: value ?? "",
      min: field.minimum ?? false, max: field.maximum ?? false });
  } else input = h("input", { type: "text", id, value: value ?? "", maxlength: field.maxLength ?? false });
  inputs[name] = { input, types };
  return h("div", { class: "field" }, label, input, h("small", { class: "error", role: "alert", "data-for": name }));
}

function select(id, values, current, name, nullable) {
  const options = (nullable ? [""] : []).concat(values)
    .map((v) => h("option", { value: v, selected: v === (current ?? "") }, v ? word(`${name}_${v}`, v) : "—"));
  return h("select", { id }, ...options);
}

function choices(id, label, values, current, name, inputs) {
  const boxes = values.map((v) => h("input", { type: "checkbox", id: `${id}-${v}`, value: v, checked: current.includes(v) }));
  inputs[name] = { boxes, types: ["array"] };
  return h("fieldset", { class: "field" }, h("legend", {}, label.textContent),
    ...boxes.map((box, i) => h("label", { class: "check", for: box.id }, box, word(`symptom_${values[i]}`, values[i]))),
    h("small", { class: "error", role: "alert", "data-for": name }));
}

function read({ input, boxes, types }) {
  if (boxes) return boxes.filter((b) => b.checked).map((b) => b.value);
  if (input.type === "checkbox") return input.checked;
  if (input.value === "") return types.includes("null") ? null : undefined;
  if (types.includes("number") || types.includes("integer")) return Number(input.value);
  return input.value;
}

async function save(event, entry, properties, inputs) {
  event.preventDefault();
  const form = event.target;
  const data = { ...entry.data };
  for (const [name, parts] of Object.entries(inputs)) data[name] = read(parts);
  form.querySelectorAll("[data-for]").forEach((el) => { el.textContent = ""; });
  try {
    await resubmit(entry.id, data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [name, message] of Object.entries(error.errors)) {
      const slot = form.querySelector(`[data-for="${name}"]`);
      if (slot) slot.textContent = message;
    }
  }
}
