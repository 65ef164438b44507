// Campus: keyboard access to Material's navigation drawer (the menu on narrow screens and with
// enlarged text). Material opens it with <label for="__drawer">, which a keyboard cannot reach or
// press: the menu label becomes a button (Tab, then Enter — which Material's own keyboard handler
// turns into a click on a focused label — or Space) that says whether the menu is open; opening moves
// focus into the menu, Escape closes it and gives focus back to the menu button.
(() => {
  const drawer = document.getElementById("__drawer");
  const opener = document.querySelector('label.md-header__button[for="__drawer"]');
  if (!drawer || !opener) return;
  const firstLink = () => document.querySelector(".md-sidebar--primary .md-nav__link[href]");

  opener.setAttribute("role", "button");
  opener.setAttribute("tabindex", "0");
  opener.setAttribute("aria-label", "Menu");
  opener.addEventListener("keydown", (event) => {
    if (event.key === " ") {
      event.preventDefault();
      opener.click();
    }
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
