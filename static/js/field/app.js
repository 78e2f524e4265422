// Every field screen starts here: service worker, logout guard, sync state, the sync loop,
// and the banners for browsers that cannot keep the app offline.
import { askPersistence, getMeta, pruneJournal } from "../db.js";
import { lang, t } from "../i18n.js";
import { guardLogout } from "../logout-guard.js";
import { refreshShells, registerWorker } from "../pwa.js";
import { REFERENCE, USER, startSync, whenSessionKnown } from "../sync.js";
import { mountSyncStatus } from "./status.js";
import { h, today } from "./ui.js";

const hasWorker = registerWorker();
guardLogout();
mountSyncStatus(document.getElementById("sync-status"));
showBanners(hasWorker);
followLanguage();
[REFERENCE, USER].forEach((name) => window.addEventListener(name, showUser));
startSync();
whenSessionKnown().then(showUser);
askPersistence();
pruneJournal(today(new Date(Date.now() - 7 * 86400000)));

async function showUser() {
  const [user, scope] = await Promise.all([getMeta("user"), getMeta("scope")]);
  document.getElementById("who").textContent = user ? `${user.display_name} · ${scope ? scope.name : ""}` : "";
  document.body.dataset.role = user ? user.role : "";
  const main = document.getElementById("main"), roles = main.dataset.roles;
  if (user && roles && !roles.split(" ").includes(user.role) && !main.dataset.gated) {
    main.dataset.gated = 1;
    for (const c of main.children) c.hidden = true;
    main.prepend(h("p", { class: "notice", id: "not-for-role" }, t("not_for_role")));
  }
}

function showBanners(worker) {
  const ua = navigator.userAgent;
  const ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const box = document.getElementById("banners");
  if (!worker || (ios && /MicroMessenger/i.test(ua))) {
    box.append(h("p", { class: "notice", role: "note", id: "no-offline" }, t("no_offline")));
  } else if (ios && !navigator.standalone) {
    box.append(h("p", { class: "notice", role: "note", id: "ios-hint" }, t("ios_hint")));
  }
}

function chosenLanguage() {
  const match = document.cookie.match(/(?:^|;\s*)lang=(zh|en)/);
  return match ? match[1] : "zh";
}

function followLanguage() {
  // The cached shell is in the language it was fetched in; when the user switched (here or on
  // an office page), fetch the shells again in the new one (once per tab and language).
  const chosen = chosenLanguage();
  if (chosen !== lang() && navigator.onLine && sessionStorage.getItem("shellLang") !== chosen) {
    sessionStorage.setItem("shellLang", chosen);
    refreshShells().then(() => location.reload());
  }
  document.getElementById("switch-lang").addEventListener("click", async (event) => {
    if (!navigator.onLine) return window.alert(t("lang_offline"));
    const next = event.target.dataset.lang;
    document.cookie = `lang=${next}; max-age=31536000; path=/; samesite=lax`;
    sessionStorage.setItem("shellLang", next);
    await refreshShells();
    location.reload();
  });
}
