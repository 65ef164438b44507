// Campus: keyboard access to Material's navigation drawer (the menu on narrow screens and with
// enlarged text). Material opens it with <label for="__drawer">, which a keyboard cannot reach or
// press, and which may not take the button role (ARIA in HTML): a real button takes its place (the
// label stays for browsers without JavaScript). It says whether the menu is open; opening moves
// focus into the menu, Escape closes it and gives focus back to the menu button.
(() => {
  const drawer = document.getElementById("__drawer");
  const label = document.querySelector('label.md-header__button[for="__drawer"]');
  if (!drawer || !label) return;
  const firstLink = () => document.querySelector(".md-sidebar--primary .md-nav__link[href]");

  const opener = document.createElement("button");
  opener.type = "button";
  opener.className = label.className + " campus-menu-button";
  opener.id = "campus-menu-button";
  opener.setAttribute("aria-label", "Menu");
  opener.append(...label.childNodes);
  label.replaceWith(opener);
  opener.addEventListener("click", () => {
    drawer.checked = !drawer.checked;
    drawer.dispatchEvent(new Event("change"));
  });

  const sync = () => opener.setAttribute("aria-expanded", String(drawer.checked));
  drawer.addEventListener("change", () => {
    sync();
    if (drawer.checked) {
      const link = firstLink();
      if (link) requestAnimationFrame(() => link.focus());
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.checked) {
      drawer.checked = false;
      sync();
      opener.focus();
    }
  });
  sync();
})();

// Content that scrolls sideways inside itself (a wide table on a narrow screen or with enlarged text)
// must be reachable by keyboard to be scrolled (WCAG 2.1.1): such a box becomes focusable and is named
// after the heading it comes under; it goes back to normal when it fits again.
(() => {
  const headings = () => [...document.querySelectorAll("#contenu h1, #contenu h2, #contenu h3")];
  const headingBefore = (el) => headings().filter((h) => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
  const mark = () => {
    for (const box of document.querySelectorAll(".md-typeset table, .md-typeset .md-typeset__scrollwrap")) {
      const overflow = getComputedStyle(box).overflowX;
      const scrolls = (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.campusScroller = "";
        if (box.tagName !== "TABLE") box.setAttribute("role", "region");
        const heading = headingBefore(box);
        if (heading && !box.querySelector("caption")) box.setAttribute("aria-label", heading.textContent.trim());
      } else if (!scrolls && box.dataset.campusScroller !== undefined) {
        ["tabindex", "role", "aria-label", "data-campus-scroller"].forEach((name) => box.removeAttribute(name));
      }
    }
  };
  mark();
  let pending = null;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
})();
