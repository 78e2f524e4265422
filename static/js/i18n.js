// The few UI strings the scripts need, translated by the server into the page's
// <script type="application/json" id="i18n"> block (the shell is rendered per language); a screen
// with words of its own adds them in a block with `data-i18n` (tracking), merged in.

let strings = null;

/** The translated text for `key`, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  if (!strings) {
    const blocks = document.querySelectorAll('script#i18n, script[type="application/json"][data-i18n]');
    strings = Object.assign({}, ...[...blocks].map((block) => JSON.parse(block.textContent)));
  }
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? vars[name] : `{${name}}`));
}

export const lang = () => (document.documentElement.lang || "zh").slice(0, 2);

/** The translation of `key`, or `fallback` when there is none (names of fields the server invented). */
export function word(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}
