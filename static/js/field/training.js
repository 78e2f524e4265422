// A school's training session, offline: the day, the topic, who gave it, the staff trained (from the
// pulled `staff` collection); one record through the outbox.
import { getMeta, listCollection } from "../db.js";
import { ValidationError, addRecord } from "../outbox.js";
import { REFERENCE, USER } from "../sync.js";
import { h, today } from "./ui.js";

const $ = (id) => document.getElementById(id);
const page = { school: null };

async function init() {
  $("training-form").addEventListener("submit", save);
  [REFERENCE, USER].forEach((name) => window.addEventListener(name, load));
  $("date").value = today();
  $("date").max = today();
  await load();
}

async function load() {
  const scope = await getMeta("scope");
  page.school = scope && scope.kind === "school" ? scope.id : null;
  const staff = (await listCollection("staff")).filter((s) => s.active !== false)
    .sort((a, b) => a.name.localeCompare(b.name));
  const usable = page.school !== null && staff.length > 0;
  $("no-staff").hidden = usable;
  $("training-form").hidden = !usable;
  const legend = $("people").querySelector("legend");
  $("people").replaceChildren(legend, ...staff.map((s) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "staff", value: String(s.id) }), ` ${s.name}`)));
}

async function save(event) {
  event.preventDefault();
  $("training-error").textContent = "";
  const attendees = [...document.querySelectorAll("input[name=staff]:checked")].map((b) => ({ staff_id: Number(b.value) }));
  try {
    await addRecord("training", { school_id: page.school, date: $("date").value, topic: $("topic").value,
      trainer: $("trainer").value.trim(), attendees, note: $("note").value.trim() || null });
  } catch (error) {
    $("training-error").textContent = error instanceof ValidationError
      ? Object.values(error.errors).join(" ") : String(error.message || error);
    return;
  }
  document.querySelectorAll("input[name=staff]").forEach((b) => { b.checked = false; });
  $("note").value = "";
  const flash = $("training-saved");
  flash.hidden = false;
  flash.textContent = flash.dataset.text.replace("{time}", new Date().toTimeString().slice(0, 5));
}

init();
