// Loaded by the office pages (base.html): the service worker (offline notice, field screens
// cached ahead) and the logout guard. Kept tiny: it runs on every office page.
import { guardLogout } from "./logout-guard.js";
import { registerWorker } from "./pwa.js";
import { cueTabBar } from "./tabbar.js";

registerWorker();
guardLogout();
cueTabBar();
