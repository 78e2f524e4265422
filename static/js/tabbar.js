// The office tab bar on a narrow screen: it scrolls sideways, and a phone shows about 5 of its
// 12 tabs. While tabs lie beyond the right edge, the "More ›" button says so (and scrolls on);
// the current tab is scrolled into view, so it is never one of the hidden ones.
export function cueTabBar(document_ = document) {
  const nav = document_.querySelector(".mainnav");
  const more = document_.querySelector(".nav-more");
  if (!nav || !more) return;
  const update = () => {
    const hidden = nav.scrollWidth - nav.clientWidth - nav.scrollLeft > 4;
    more.hidden = !hidden;
    nav.classList.toggle("cut-right", hidden);
    nav.classList.toggle("cut-left", nav.scrollLeft > 4);
  };
  const current = nav.querySelector("[aria-current='page']");
  if (current && current.offsetLeft + current.offsetWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - nav.clientWidth / 3;
  }
  more.addEventListener("click", () => {
    nav.scrollBy({ left: nav.clientWidth * 0.7 });
  });
  nav.addEventListener("scroll", update, { passive: true });
  window.addEventListener("resize", update);
  update();
}
