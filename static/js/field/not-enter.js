// On the class check: who may not enter today, and why (返校 clearance), from the pulled `tracked`
// collection (the people the user answers for), offline like the check itself.
import { listCollection } from "../db.js";
import { t } from "../i18n.js";
import { REFERENCE } from "../sync.js";
import { h } from "./ui.js";

const box = document.getElementById("not-enter");
const form = document.getElementById("check-form");

/** The people of the check's list who are not cleared: [{name, reasons}]. */
export function keptBack(items, subject, unit) {
  return items.filter((i) => i.not_cleared.length && i[subject] && (unit === null || i.unit_id === unit))
    .map((i) => ({ name: i.name, reasons: i.not_cleared.map((code) => t(`nc_${code}`)) }));
}

async function show() {
  const select = document.getElementById("unit");
  const unit = select && select.value ? Number(select.value) : null;
  const people = keptBack(await listCollection("tracked"), form.dataset.subject, unit);
  box.hidden = people.length === 0;
  box.replaceChildren(h("strong", {}, `${t("not_enter")} (${people.length})`),
    h("ul", {}, ...people.map((p) => h("li", {}, `${p.name}: ${p.reasons.join("、")}`))));
}

if (box && form) {
  form.addEventListener("change", (event) => { if (event.target.id === "unit") show(); });
  window.addEventListener(REFERENCE, show);
  const select = document.getElementById("unit");
  if (select) new MutationObserver(show).observe(select, { childList: true });  // check.js fills the classes
  show();
}
