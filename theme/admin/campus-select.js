// French words and typography-blind search for the editor's choice lists (Decap CMS's relation and
// select widgets, both react-select). Registered by campus-editor.js under Decap's own names
// (`relation`, `select`), so config.yml stays Decap's: each control is Decap's, with
//  - react-select's messages and screen-reader announcements in French (Decap passes none, so
//    react-select's English ones showed: « No options », « Remove … », « option …, selected »);
//  - for relations, every record offered once, sorted by title (French collation), a title shared
//    by two records followed by its identifier, and a search that ignores case, accents,
//    apostrophes (’ ' ‘) and dashes (– — -): each collection is read once per page (Decap's own
//    query, the one its backends cache) and filtered here, instead of once per word typed; no
//    cut-off at `options_length` (the menu is virtualised by Decap: thousands of options are fine).

const h = (...args) => window.h(...args);  // React.createElement, which Decap's bundle exposes

/** A text as the search compares it: lower case, no accents, one apostrophe, one dash, one space. */
export function fold(text) {
  return String(text ?? "").normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(/[œŒ]/g, "oe").replace(/[æÆ]/g, "ae").replace(/ß/g, "ss")
    .replace(/[’‘‛ʼ`´′]/g, "'").replace(/[‐‑‒–—―−]/g, "-")
    .toLowerCase().replace(/\s+/g, " ").trim();
}

/** Whether every word of the search is in the label (any order), typography aside. */
export function matches(label, search) {
  const folded = fold(label);
  return fold(search).split(" ").every((word) => folded.includes(word));
}

const COLLATOR = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

/** Options sorted by label; a label two options share gets the option's value (its identifier). */
export function ordered(options) {
  const seen = new Map();
  for (const option of options) seen.set(fold(option.label), (seen.get(fold(option.label)) || 0) + 1);
  return options
    .map((option) => (seen.get(fold(option.label)) > 1
      ? { ...option, label: `${option.label} (${option.value})` } : option))
    .sort((a, b) => COLLATOR.compare(a.label, b.label) || COLLATOR.compare(a.value, b.value));
}

function count(n, one, many) {
  return `${n} ${n > 1 ? many : one}`;
}

// react-select's ariaLiveMessages (the announcements of its aria-live region), in French.
const LIVE = {
  guidance({ isSearchable, isMulti, tabSelectsValue, context, isInitialFocus, ...props }) {
    if (context === "menu") {
      return "Flèches haut et bas pour parcourir les choix, Entrée pour choisir, Échap pour fermer la liste"
        + (tabSelectsValue ? ", Tab pour choisir et quitter la liste" : "") + ".";
    }
    if (context === "input") {
      return isInitialFocus ? `${props["aria-label"] || "Liste de choix"} : `
        + (isSearchable ? "tapez pour filtrer, " : "") + "flèche bas pour ouvrir la liste"
        + (isMulti ? ", flèche gauche pour parcourir les choix faits" : "") + "." : "";
    }
    if (context === "value") return "Flèches gauche et droite pour parcourir les choix faits, Retour arrière pour retirer le choix sélectionné.";
    return "";
  },
  onChange({ action, label = "", labels = [], isDisabled }) {
    switch (action) {
      case "deselect-option": case "pop-value": case "remove-value": return `${label} retiré.`;
      case "clear": return "Tous les choix ont été retirés.";
      case "initial-input-focus": return `Choisi : ${labels.join(", ")}.`;
      case "select-option": return isDisabled ? `${label} n'est pas disponible.` : `${label} choisi.`;
      default: return "";
    }
  },
  onFocus({ context, focused, options, label = "", selectValue, isDisabled, isSelected }) {
    const position = (list) => (list && list.length ? `${list.indexOf(focused) + 1} sur ${list.length}` : "");
    if (context === "value" && selectValue) return `${label}, ${position(selectValue)}.`;
    if (context === "menu") {
      return `${label}${isSelected ? ", choisi" : ""}${isDisabled ? ", indisponible" : ""}, ${position(options)}.`;
    }
    return "";
  },
  onFilter({ inputValue, resultsMessage }) {
    return `${resultsMessage}${inputValue ? ` pour « ${inputValue} »` : ""}.`;
  },
};

// The cross of a chosen value: react-select names it « Remove <label> »; here « Retirer <label> ».
function MultiValueRemove({ innerProps, data, children }) {
  const label = data?.label ?? "";
  return h("div", { role: "button", ...innerProps, "aria-label": `Retirer ${label}`, title: `Retirer ${label}` },
    children || h("span", { "aria-hidden": "true" }, "×"));
}

const FRENCH = {
  noOptionsMessage: ({ inputValue }) => (inputValue ? `Aucun résultat pour « ${inputValue} »` : "Aucun choix"),
  loadingMessage: () => "Chargement des choix…",
  ariaLiveMessages: LIVE,
  screenReaderStatus: ({ count: n }) => (n ? count(n, "choix proposé", "choix proposés") : "aucun choix proposé"),
};

/** The element a control rendered, with react-select's French props (the select is the element
 * itself or, for Decap's select widget, its only child). */
function inFrench(element, extra = {}) {
  if (!element || !element.props) return element;
  const props = { ...element.props, ...FRENCH, ...extra };
  props.components = { ...(element.props.components || {}), MultiValueRemove };
  return h(element.type, { ...props, key: element.key });
}

// The options of each relation (collection, file, fields): Decap's query read once per page (it
// returns the entries holding the searched fields: one query per reference list), forgotten after a save.
const OPTIONS = new Map();

export function forgetOptions() {
  OPTIONS.clear();
}

function allOptions(control) {
  const { field, query, forID } = control.props;
  const collection = field.get("collection");
  const file = field.get("file");
  const search = field.get("search_fields");
  const searchFields = search && search.toJS ? search.toJS() : [search].filter(Boolean);
  const key = JSON.stringify([collection, file, searchFields, field.get("display_fields"), field.get("value_field")]);
  if (!OPTIONS.has(key)) {
    const loading = Promise.resolve(query(forID, collection, searchFields, "", file))
      .then((result) => ordered(control.parseHitOptions(result?.payload?.hits || [])));
    loading.catch(() => OPTIONS.delete(key));
    OPTIONS.set(key, loading);
  }
  return OPTIONS.get(key);
}

/** Decap's relation control with the French messages, the whole sorted list, the folded search. */
export function campusRelation(RelationControl) {
  return class CampusRelationControl extends RelationControl {
    loadOptions = (term) => allOptions(this).then(
      (options) => (term ? options.filter((option) => matches(option.label, term)) : options),
      () => []);

    async loadInitialOptions() {
      try {
        const options = await allOptions(this);
        if (!this.mounted) return;
        this.setState({ initialOptions: options });
        const { value } = this.props;
        if (value && this.hasInitialValues(value)) this.triggerInitialOnChange(value, options);
      } catch (error) {
        console.error("Chargement des choix impossible :", error);
      }
    }

    render() {
      return inFrench(super.render(), { filterOption: null });
    }
  };
}

/** Decap's select control with react-select's French messages and the folded search. */
export function campusSelect(SelectControl) {
  return class CampusSelectControl extends SelectControl {
    render() {
      const element = super.render();
      return inFrench(element, { filterOption: (option, search) => matches(option.label, search) });
    }
  };
}
