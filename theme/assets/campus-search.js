// Campus search page (recherche/): runs the query typed in the header's search box with
// Pagefind's JS API, shows the results and the facets, and keeps both in the page's URL
// (?q=…&type=…&thematique=…) so that a filtered view can be shared. Loaded only on that page.
// Pagefind's bundle is served by the site itself, next to this file: no third-party request.

const FACETS = [
  ["type", "Type de ressource"],
  ["reseau", "Réseau"],  // only on sites that include other networks (generator/outputs/networks.py)
  ["thematique", "Thématique"],
  ["format", "Format"],
  ["public", "Public"],
  ["perimetre", "Périmètre"],
  ["lieu", "Lieu"],
  ["session", "Sessions"],  // « Session à venir »: trainings with a session to come on the build's day
];
const PAGE_SIZE = 10; // results whose data (a fragment file each) is fetched at a time
const DEBOUNCE_MS = 100;
const PAGEFIND_OPTIONS = { excerptLength: 30 };

const input = document.getElementById("campus-search-q");
const statusBox = document.getElementById("campus-search-status");
const facetsForm = document.getElementById("campus-facets");
const resultsList = document.getElementById("campus-results");
const moreButton = document.getElementById("campus-more");
const page = document.getElementById("campus-search-page");
const toggle = document.getElementById("campus-facets-toggle");
const layout = facetsForm.parentElement;

const state = { q: "", filters: Object.fromEntries(FACETS.map(([name]) => [name, new Set()])) };
let pagefind = null; // the results' Pagefind: loads only the filters a search uses
let counter = null; // the facets' Pagefind (all filters loaded), in a worker of its own
let sequence = 0;
let timer = null;
let pending = [];
const checkboxes = new Map(); // "name\u0000value" -> {box, count}

// --- URL <-> state ------------------------------------------------------------------------

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  state.q = params.get("q") || "";
  for (const [name] of FACETS) state.filters[name] = new Set(params.getAll(name).filter(Boolean));
}

function writeUrl() {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const [name] of FACETS) {
    for (const value of [...state.filters[name]].sort()) params.append(name, value);
  }
  const query = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
}

// --- queries ------------------------------------------------------------------------------

// French words found on nearly every page: searching them costs much and narrows nothing.
const STOP_WORDS = new Set(["a", "à", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la",
  "le", "les", "ou", "par", "pour", "sur", "un", "une"]);

// What is sent to Pagefind: the typographic apostrophe made straight (Pagefind splits words
// on the straight one only; the index is built the same way, see generator/outputs/search_pages.py),
// without stop words (unless there is nothing else), and without a
// last word of one or two letters still being typed (Pagefind expands the last word as a
// prefix, and a one-letter prefix matches most of the index), nor a lone stop word still being
// typed (« des », on the way to « design », would load the largest index chunk of each part).
function searchTerm(text) {
  const typed = text.replace(/[\u2019\u02bc]/g, "'");
  let words = typed.split(/[\s']+/).filter(Boolean);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  if (meaningful.length) words = meaningful;
  const stillTyping = !/\s$/.test(typed);
  if (stillTyping && words.length > 1 && words[words.length - 1].length < 3) words = words.slice(0, -1);
  if (stillTyping && words.length === 1 && (words[0].length < 2 || STOP_WORDS.has(words[0].toLowerCase()))) words = [];
  return words.join(" ");
}

function filterOptions(except) {
  const filters = {};
  for (const [name] of FACETS) {
    if (name !== except && state.filters[name].size) filters[name] = { any: [...state.filters[name]] };
  }
  return filters;
}

function hasFilters() {
  return FACETS.some(([name]) => state.filters[name].size > 0);
}

async function run() {
  if (!pagefind) return; // start() runs the first query once Pagefind is loaded
  const mine = ++sequence;
  const typed = state.q.trim(); // the status names the query these results are for
  const term = searchTerm(typed);
  if (!term && !hasFilters()) {
    countFacets().catch(console.error);
    resultsList.replaceChildren();
    moreButton.hidden = true;
    statusBox.textContent = "Tapez quelques mots dans le champ de recherche, ou choisissez des filtres.";
    return;
  }
  // Within a facet the values add up (any of them); across facets they narrow.
  const search = await pagefind.search(term || null, { filters: filterOptions(null) });
  if (mine !== sequence) return; // a newer query is on its way
  pending = search.results;
  const first = await nextBatch(mine, typed);
  if (!first) return;
  resultsList.replaceChildren(...first);
  moreButton.hidden = pending.length === 0;
  announce(search.results.length, term, typed);
  countFacets().catch(console.error); // results first; the counts follow, without delaying them
}

// Facet counts, by the second Pagefind (counting every filter value over thousands of results
// takes longer than the search itself, so it never runs in the results' worker). A facet with
// a selection shows the counts it would have without its own selection: one more search each.
// Always for the latest query: a count asked for while one runs is done once it ends.
let counting = null;
let countAgain = false;

function countFacets() {
  if (!counter) return Promise.resolve();
  if (counting) {
    countAgain = true;
    return counting;
  }
  counting = (async () => {
    try {
      do {
        countAgain = false;
        const term = searchTerm(state.q.trim());
        let counts;
        if (!term && !hasFilters()) {
          counts = await counter.filters();
        } else {
          const all = await counter.search(term || null, { filters: filterOptions(null) });
          counts = {};
          for (const [name] of FACETS) counts[name] = all.filters[name] || {};
          for (const [name] of FACETS) {
            if (countAgain || !state.filters[name].size) continue;
            const other = await counter.search(term || null, { filters: filterOptions(name) });
            counts[name] = other.filters[name] || {};
          }
        }
        if (!countAgain) updateFacets(counts);
      } while (countAgain);
    } finally {
      counting = null;
    }
  })();
  return counting;
}

// The next results' items (their data fetched together), or null if a newer query started.
// In the first batch, a page whose title is the query itself comes first: Pagefind ranks by
// the words, and a longer title that repeats them can otherwise outrank it.
async function nextBatch(mine, typed) {
  const batch = pending.slice(0, PAGE_SIZE);
  pending = pending.slice(PAGE_SIZE);
  const data = await Promise.all(batch.map((result) => result.data()));
  if (mine !== sequence) return null;
  if (typed !== undefined) {
    const wanted = folded(typed);
    data.sort((a, b) => Number(folded(b.meta?.title || "") === wanted) - Number(folded(a.meta?.title || "") === wanted));
  }
  return data.map(resultItem);
}

async function showMore(mine) {
  const items = await nextBatch(mine);
  if (!items) return;
  resultsList.append(...items);
  moreButton.hidden = pending.length === 0;
}

function folded(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[\u2019\u02bc]/g, "'").toLowerCase().trim();
}

// One search at a time: keys typed while a search runs wait for it, then only the latest
// query runs (searches cannot be cancelled, and on a large site each takes a while).
let running = false;
let again = false;

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(kick, delay);
}

async function kick() {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    await run();
  } catch (error) {
    failed(error);
  } finally {
    running = false;
    // Facets and results are shown together once the first search has answered (CLS).
    layout.classList.remove("campus-search-layout--pending");
  }
  if (again) {
    again = false;
    kick();
  }
}

// --- rendering ----------------------------------------------------------------------------

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// Pagefind's excerpt is text with <mark> around the matches: keep exactly that, nothing else.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const paragraph = element("p", "campus-result__excerpt");
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      paragraph.append(element("mark", "", node.textContent));
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function resultItem(item) {
  const meta = item.meta || {};
  const li = element("li", "campus-result");
  const title = element("h2", "campus-result__title");
  const link = element("a", "", meta.title || item.url);
  link.href = item.url;
  title.append(link);
  li.append(title, element("p", "campus-result__type", meta.type || "Page du campus"));
  if (meta.summary) li.append(element("p", "campus-result__summary", meta.summary));
  if (meta.session) li.append(element("p", "campus-result__session", meta.session));
  if (item.excerpt) li.append(excerpt(item.excerpt));
  return li;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

function activeFiltersText() {
  const parts = [];
  for (const [name, label] of FACETS) {
    if (state.filters[name].size) parts.push(`${label} : ${[...state.filters[name]].join(" ou ")}`);
  }
  return parts.join(" ; ");
}

function announce(count, term, typed) {
  const what = term ? ` pour « ${typed} »` : "";
  const filters = hasFilters() ? ` (filtres : ${activeFiltersText()})` : "";
  if (count > 0) {
    statusBox.textContent = `${plural(count, "résultat", "résultats")}${what}${filters}.`;
    return;
  }
  statusBox.textContent = `Aucun résultat${what}${filters}.`;
  const help = element("li", "campus-result campus-result--empty");
  help.append(element("p", "", "Quelques pistes :"));
  const tips = element("ul");
  tips.append(element("li", "", "vérifiez l’orthographe, ou essayez un mot plus court ou plus général (« facilitation », « formation », « outil ») ;"));
  if (hasFilters()) {
    const tip = element("li", "", "retirez un filtre, ou ");
    const clear = element("button", "campus-clear", "retirez tous les filtres");
    clear.type = "button";
    clear.addEventListener("click", () => {
      for (const [name] of FACETS) state.filters[name].clear();
      for (const { box } of checkboxes.values()) box.checked = false;
      writeUrl();
      schedule(0);
    });
    tip.append(clear, document.createTextNode(" ;"));
    tips.append(tip);
  }
  const browse = element("li", "", "ou parcourez le ");
  const map = element("a", "", "plan du site");
  map.href = page.dataset.siteMap || "../plan-du-site/";
  browse.append(map, document.createTextNode("."));
  tips.append(browse);
  help.append(tips);
  resultsList.append(help);
}

// The facets are built once, from the counts over the whole site, and then only their
// counts change: the checkbox that has the focus stays in place while results update.
function buildFacets(totals) {
  let index = 0;
  for (const [name, label] of FACETS) {
    const values = Object.keys(totals[name] || {});
    for (const value of state.filters[name]) if (!values.includes(value)) values.push(value);
    if (!values.length) continue;
    values.sort((a, b) => a.localeCompare(b, "fr"));
    const fieldset = element("fieldset", "campus-facet");
    fieldset.append(element("legend", "campus-facet__legend", label));
    const list = element("ul", "campus-facet__values");
    for (const value of values) {
      const id = `campus-facet-${index++}`;
      const li = element("li", "campus-facet__value");
      const box = element("input");
      box.type = "checkbox";
      box.id = id;
      box.name = name;
      box.value = value;
      box.checked = state.filters[name].has(value);
      const labelNode = element("label", "", value + " ");
      labelNode.htmlFor = id;
      const count = element("span", "campus-facet__count");
      labelNode.append(count);
      li.append(box, labelNode);
      list.append(li);
      checkboxes.set(name + "\u0000" + value, { box, count });
    }
    fieldset.append(list);
    facetsForm.append(fieldset);
  }
}

// Facets missing from `counts` keep the counts they show.
function updateFacets(counts) {
  for (const [key, { box, count }] of checkboxes) {
    const [name, value] = key.split("\u0000");
    box.checked = state.filters[name].has(value);
    if (!(name in counts)) continue;
    const n = (counts[name] || {})[value] || 0;
    count.textContent = `(${n})`;
    box.closest("li").classList.toggle("campus-facet__value--none", n === 0 && !box.checked);
  }
}

function failed(error) {
  statusBox.textContent = "La recherche n’a pas pu se charger. Servez le site par HTTP (un fichier ouvert directement ne suffit pas) ou consultez le plan du site.";
  console.error(error);
}

// --- wiring -------------------------------------------------------------------------------

// A large site's index comes in parts (one Pagefind run each, to bound the indexing's memory;
// generator/outputs/search_parts.py), listed next to the first part, which loads Pagefind's script and
// WebAssembly: each Pagefind instance merges the others, fetching only their index files.
let partsList = null;

function indexParts() {
  partsList ??= fetch(new URL("../pagefind/campus-parts.json", import.meta.url), { cache: "no-cache" })
    .then((response) => (response.ok ? response.json() : { parts: [] }))
    // As paths, like the first part's: Pagefind makes the results' links from them.
    .then((manifest) => (manifest.parts || []).map((folder) => new URL(`../pagefind/${folder}`, import.meta.url).pathname));
  return partsList;
}

// A Pagefind instance (`suffix`: another URL of the same module, for a separate instance with
// its own worker) with every part of the index merged.
async function loadPagefind(suffix = "") {
  const parts = indexParts(); // fetched while Pagefind loads
  const instance = await import(new URL(`../pagefind/pagefind.js${suffix}`, import.meta.url).href);
  await instance.options(PAGEFIND_OPTIONS);
  instance.init(); // the merges and the first search wait for it
  await Promise.all((await parts).map((url) => instance.mergeIndex(url, PAGEFIND_OPTIONS)));
  return instance;
}

async function start() {
  readUrl();
  if (input) {
    input.value = state.q;
    input.addEventListener("input", () => {
      state.q = input.value;
      writeUrl();
      // Preloading a one- or two-letter prefix would fetch a large part of the index.
      const term = searchTerm(state.q);
      if (pagefind && (term.split(" ").pop() || "").length >= 3) pagefind.preload(term, { filters: filterOptions(null) });
      schedule(DEBOUNCE_MS);
    });
    input.form.addEventListener("submit", (event) => {
      event.preventDefault();
      state.q = input.value;
      writeUrl();
      schedule(0);
    });
  }
  facetsForm.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement)) return;
    if (box.checked) state.filters[box.name].add(box.value);
    else state.filters[box.name].delete(box.value);
    writeUrl();
    schedule(0);
  });
  moreButton.addEventListener("click", () => showMore(sequence).catch(failed));
  statusBox.textContent = "Chargement de la recherche…";
  pagefind = await loadPagefind();
  toggle.addEventListener("click", () => (facetsOpen() ? closeFacets() : openFacets()).catch(failed));
  if (hasFilters()) await openFacets(); // a shared URL with filters shows them at once
  toggle.hidden = false;
  await kick();
}

function facetsOpen() {
  return toggle.getAttribute("aria-expanded") === "true";
}

// The button is a disclosure: it also hides the facets again (their filters stay applied).
async function closeFacets() {
  toggle.setAttribute("aria-expanded", "false");
  facetsForm.hidden = true;
  layout.classList.remove("campus-search-layout--facets");
}

// The facets are loaded on demand: their data (every filter value with its pages) would
// double what the search page costs to open on a large site. They are counted by a second
// Pagefind instance, so that counting never delays the results (see countFacets).
async function openFacets() {
  const hadFocus = document.activeElement === toggle;
  toggle.setAttribute("aria-expanded", "true");
  if (!counter) {
    // The same module under another URL: a separate instance, with its own worker.
    counter = await loadPagefind("?facettes");
    buildFacets(await counter.filters());
  }
  await countFacets(); // the facets show up with their counts
  facetsForm.hidden = checkboxes.size === 0;
  layout.classList.add("campus-search-layout--facets");
  if (hadFocus) facetsForm.querySelector("input")?.focus(); // keyboard users land in the facets
}

start().catch(failed);
