// French names and descriptions for what Decap's components render in English with no option to
// change it: react-toastify's close button (« close »), dnd-kit's instructions and announcements
// for reordering (« To pick up a draggable item, press the space bar… », given to every sortable
// list and multiple choice), and the unnamed buttons of a list item's bar (fold, move, remove).
// A MutationObserver renames them as they appear; nothing in Decap's bundle is changed.

export const INSTRUCTIONS = "Pour déplacer cet élément, appuyez sur Espace, puis sur les flèches ; "
  + "Espace de nouveau pour le déposer, Échap pour annuler.";

// dnd-kit's default announcements (its @dnd-kit/core defaultAnnouncements), in French.
const ANNOUNCEMENTS = [
  [/^Picked up draggable item (.+)\.$/, () => "Élément saisi."],
  [/^Draggable item (.+) was moved over droppable area (.+)\.$/, () => "Élément déplacé."],
  [/^Draggable item (.+) is no longer over a droppable area\.$/, () => "Élément hors de la liste."],
  [/^Draggable item (.+) was dropped over droppable area (.+)$/, () => "Élément déposé."],
  [/^Draggable item (.+) was dropped\.$/, () => "Élément déposé."],
  [/^Dragging was cancelled\. Draggable item (.+) was dropped\.$/, () => "Déplacement annulé."],
];

function rename(root) {
  for (const button of root.querySelectorAll('.Toastify__close-button[aria-label="close"]')) {
    button.setAttribute("aria-label", "Fermer la notification");
  }
  for (const described of root.querySelectorAll('[id^="DndDescribedBy"]')) {
    if (described.textContent !== INSTRUCTIONS) described.textContent = INSTRUCTIONS;
  }
  for (const region of root.querySelectorAll('[id^="DndLiveRegion"]')) {
    const text = region.textContent.trim();
    for (const [english, french] of ANNOUNCEMENTS) {
      if (english.test(text)) {
        region.textContent = french();
        break;
      }
    }
  }
  for (const handle of root.querySelectorAll('[aria-roledescription="sortable"]:not([aria-label])')) {
    handle.setAttribute("aria-roledescription", "élément déplaçable");
    const text = handle.textContent.trim();  // a chosen value's title, or nothing (a list item's handle)
    handle.setAttribute("aria-label", text ? `Déplacer : ${text}` : "Déplacer l'élément");
  }
  for (const bar of root.querySelectorAll('[class*="ListItemTopBar"]')) {
    const buttons = [...bar.querySelectorAll(':scope > button')].filter((b) => !b.hasAttribute("aria-label"));
    if (buttons.length === 2) {
      buttons[0].setAttribute("aria-label", "Déplier ou replier l'élément");
      buttons[1].setAttribute("aria-label", "Retirer l'élément");
    }
  }
}

export function watchNames(root = document.body) {
  rename(root);
  new MutationObserver(() => rename(root)).observe(root, { childList: true, subtree: true, characterData: true });
}
