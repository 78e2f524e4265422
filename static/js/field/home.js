// The start screen: show the tasks of the user's role.
import { getMeta } from "../db.js";
import { REFERENCE, USER, whenSessionKnown } from "../sync.js";

async function showTasks() {
  const user = await getMeta("user");
  for (const item of document.querySelectorAll("#tasks [data-roles]")) {
    item.hidden = Boolean(user) && !item.dataset.roles.split(" ").includes(user.role);
  }
}

whenSessionKnown().then(showTasks);
[REFERENCE, USER].forEach((name) => window.addEventListener(name, showTasks));
