// Before any save of a new record: its identifier (the file name Decap derives from the title) must
// not be one the catalogue already uses, in any type — `campus check` refuses two records with one
// identifier, and Decap itself would rename a second « devenez-facilitateur » to
// « devenez-facilitateur-1 » without a word. The identifiers are those the built site lists in
// admin/identifiants.json (generator/outputs/editor.py writes it: `ids`, id -> [collection, title];
// `types`, collection -> its label).
// A refusal is thrown as a French sentence: Decap shows it in its « Échec de l'enregistrement »
// notice and writes nothing.

export const IDS_FILE = "identifiants.json";

const DASH = "-";

/** The identifier Decap gives a new record of this title (config.yml's `slug`: ascii, accents
 * removed, `-` for anything else), as decap-cms-core's slugFormatter and sanitizeSlug compute it. */
export function decapSlug(title) {
  const prepared = String(title).trim().toLocaleLowerCase().replace(/'/g, "").replace(/\./g, DASH);
  const plain = prepared.normalize("NFKD").replace(/\p{M}/gu, "")
    .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss").replace(/ø/g, "o").replace(/ł/g, "l")
    .replace(/đ/g, "d").replace(/ð/g, "d").replace(/þ/g, "th").replace(/ı/g, "i");
  const replaced = Array.from(plain).map((c) => (/[\w\-.~]/.test(c) ? c : DASH)).join("");
  return replaced.replace(/-+/g, DASH).replace(/^-/, "").replace(/-$/, "");
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

let known = null;
const saved = {};  // records created since the page was loaded (not yet in the published list)

/** The catalogue's identifiers as the site publishes them (fetched once a page). */
export function knownIds(fetcher = fetch) {
  if (!known) {
    known = fetcher(new URL(IDS_FILE, document.baseURI), { cache: "no-cache" }).then((response) => {
      if (!response.ok) throw new Error(`${IDS_FILE} : ${response.status}`);
      return response.json();
    });
    known.catch(() => { known = null; });
  }
  return known;
}

/** The refusal (a French sentence) for a new record titled `title`, or null. */
export function refusal(title, { ids, types }) {
  const id = decapSlug(title || "");
  if (!ID.test(id)) {
    return `Le titre « ${title} » ne donne pas d'identifiant valide (« ${id} ») : `
      + "gardez des lettres et des chiffres, sans signes comme _ ou ~, puis enregistrez de nouveau.";
  }
  const clash = ids[id];
  if (!clash) return null;
  const [folder, other] = clash;
  const where = ` (${types[folder] || folder})`;
  return `L'identifiant « ${id} », tiré du titre, est déjà celui de la fiche « ${other} »${where}. `
    + "Les identifiants sont uniques dans tout le catalogue : précisez le titre (par exemple avec "
    + "le lieu, l'organisme ou l'année), puis enregistrez de nouveau.";
}

/** A reference list (themes, organisations, sources) holding one identifier twice: the refusal, or null. */
export function repeatedListId(data) {
  const plain = data && data.toJS ? data.toJS() : data || {};
  for (const [name, items] of Object.entries(plain)) {
    if (!Array.isArray(items)) continue;
    const seen = new Set();
    for (const item of items) {
      const id = item && typeof item === "object" ? item.id : undefined;
      if (id === undefined) continue;
      if (seen.has(id)) {
        return `l'identifiant « ${id} » figure deux fois dans la liste ${name} : `
          + "donnez à chaque élément son propre identifiant, puis enregistrez de nouveau.";
      }
      seen.add(id);
    }
  }
  return null;
}

/** Registers the check as Decap's preSave handler (record collections only, as the file lists them). */
export function registerIdCheck(CMS) {
  CMS.registerEventListener({
    name: "preSave",
    handler: async ({ entry }) => {
      const twice = repeatedListId(entry.get("data"));
      if (twice) throw twice;
      if (!entry.get("newRecord")) return undefined;
      const collection = entry.get("collection");
      let catalogue;
      try {
        catalogue = await knownIds();
      } catch (error) {
        throw `la liste des identifiants du catalogue (${IDS_FILE}) n'a pas pu être lue : réessayez dans un moment.`;
      }
      if (!(collection in catalogue.types)) return undefined;
      const title = entry.getIn(["data", "title"]);
      const refused = refusal(title, { ...catalogue, ids: { ...catalogue.ids, ...saved } });
      if (refused) throw refused;
      return undefined;
    },
  });
  CMS.registerEventListener({  // once written: a second record of that title in this page is refused too
    name: "postSave",
    handler: ({ entry }) => {
      if (entry.get("newRecord")) saved[decapSlug(entry.getIn(["data", "title"]))] = [entry.get("collection"), entry.getIn(["data", "title"])];
      return undefined;
    },
  });
}
