// The catalogue's YAML format for the web editor (Decap CMS): the emitter of generator/catalogue/fmt.py,
// byte for byte, so saving a record changes only the lines whose values changed. The rules are
// in generator/catalogue/fmt.py's docstring; tests/test_fmt.py runs both emitters on the same data.
//
// Plain ES module, no build step. It imports js-yaml (pinned in package.json, copied by the admin
// build to admin/vendor/js-yaml.mjs) and, when window.CMS exists, registers one custom format per
// record type (campus-community, campus-training, campus-tool, campus-intervention) and for the
// reference lists (campus-list, and campus-themes, campus-organisations, campus-sources). The
// editor sees a reference list file as {themes: [...]} (or organisations, sources): a Decap file
// entry must be an object. toFile drops the empty values of emptied widgets (null, "", [], {}).
import { load, CORE_SCHEMA } from "./vendor/js-yaml.mjs";

// generator/catalogue/fmt.py shapes(): each model's fields in order, name:Model nested, name:date a date.
export const MODELS = {"Activity": ["title", "frequency", "format", "duration", "description"], "Community": ["title", "summary", "description", "themes", "key_figures:Figure", "published:date", "updated:date", "sources", "organisation", "animator", "members:Figure", "founded", "scope", "location", "audience", "activities:Activity", "join", "contact:Contact", "url"], "Contact": ["url", "email"], "Figure": ["value", "qualifier", "label", "as_of:date", "source"], "Intervention": ["title", "summary", "description", "themes", "key_figures:Figure", "published:date", "updated:date", "sources", "date:date", "end_date:date", "period", "requested_by", "facilitated_by", "organisations", "format", "participants:Figure", "objectives", "methods", "tools", "outcomes", "location", "url"], "Organisation": ["id", "name", "acronym", "kind", "parent", "url"], "Session": ["start:date", "end:date", "place", "note"], "Source": ["id", "title", "publisher", "date:date", "updated:date", "url", "note"], "Theme": ["id", "title", "description"], "Tool": ["title", "summary", "description", "themes", "key_figures:Figure", "published:date", "updated:date", "sources", "kind", "collection", "publisher", "communities", "audience", "format", "url"], "Training": ["title", "summary", "description", "themes", "key_figures:Figure", "published:date", "updated:date", "sources", "format", "duration", "audience", "level", "organisation", "communities", "sessions:Session", "url", "cost"]};

export const KINDS = {community: "Community", training: "Training", tool: "Tool", intervention: "Intervention",
  themes: "Theme", organisations: "Organisation", sources: "Source"};
export const LISTS = ["themes", "organisations", "sources"];

export const HEADERS = {
  community: "# yaml-language-server: $schema=../../schemas/community.schema.json",
  training: "# yaml-language-server: $schema=../../schemas/training.schema.json",
  tool: "# yaml-language-server: $schema=../../schemas/tool.schema.json",
  intervention: "# yaml-language-server: $schema=../../schemas/intervention.schema.json",
  themes: "# yaml-language-server: $schema=../schemas/themes.schema.json\n# Thématiques du campus : identifiant, nom affiché, description facultative.",
  organisations: "# yaml-language-server: $schema=../schemas/organisations.schema.json\n# Administrations qui animent un réseau, forment, publient un outil, demandent ou reçoivent une intervention.",
  sources: "# yaml-language-server: $schema=../schemas/sources.schema.json\n# Documents sources : chaque fait du catalogue renvoie à l’un d’eux.",
};

const SPECIAL = new RegExp("^(?:(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
  + "|on|On|ON|off|Off|OFF|<<|=)"
  + "|[-+]?(?:[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
  + "|\\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?|0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+"
  + "|\\.(?:inf|Inf|INF|nan|NaN|NAN))"
  + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)$");
const ESCAPED = /[\x00-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]/u;
const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const INDICATORS = "-?:,[]{}#&*!|>'\"%@`";
const SHORT = {"\\": "\\\\", "\"": "\\\"", "\n": "\\n", "\t": "\\t", "\r": "\\r"};

const SHAPES = Object.fromEntries(Object.entries(MODELS).map(
  ([model, fields]) => [model, fields.map((f) => { const [name, kind] = f.split(":"); return [name, kind ?? null]; })]));

function quoted(text) {
  let out = "\"";
  for (const c of text) {
    out += SHORT[c] ?? (ESCAPED.test(c) ? "\\u" + c.codePointAt(0).toString(16).padStart(4, "0") : c);
  }
  return out + "\"";
}

export function isPlain(text) {
  return text.length > 0 && text[0] !== " " && !text.endsWith(" ") && !INDICATORS.includes(text[0])
    && !text.includes(": ") && !text.includes(" #") && !text.endsWith(":")
    && !SPECIAL.test(text) && !ESCAPED.test(text) && !text.includes("\n");
}

function literalLines(text) {
  if (ESCAPED.test(text.replaceAll("\n", "")) || text.startsWith("\n") || text.endsWith("\n\n")) return null;
  const [indicator, body] = text.endsWith("\n") ? ["|", text.slice(0, -1)] : ["|-", text];
  const lines = body.split("\n");
  const first = lines.find((line) => line) ?? "";
  if (first.startsWith(" ") || lines.some((line) => line.endsWith(" "))) return null;
  return [indicator, lines];
}

function isoDate(value) {
  return value.toISOString().slice(0, 10);
}

function scalar(value, date) {
  if (value === null || value === undefined) return "null";
  if (value === true || value === false) return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`valeur impossible à écrire : ${value}`);
    return String(value);
  }
  if (value instanceof Date) return isoDate(value);
  if (typeof value === "string") {
    if (date && ISO_DATE.test(value)) return value;
    return isPlain(value) ? value : quoted(value);
  }
  throw new Error(`valeur impossible à écrire : ${typeof value}`);
}

function key(name) {
  return isPlain(name) ? name : quoted(name);
}

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function emitValue(value, indent, model, date, lead) {
  const pad = " ".repeat(indent);
  const underKey = lead.endsWith(":");
  if ((isMapping(value) && Object.keys(value).length) || (Array.isArray(value) && value.length)) {
    const block = Array.isArray(value) ? sequence(value, indent, model, date) : mapping(value, indent, model);
    return underKey ? [lead, ...block] : [lead + " " + block[0].slice(indent), ...block.slice(1)];
  }
  if (isMapping(value)) return [`${lead} {}`];
  if (Array.isArray(value)) return [`${lead} []`];
  if (typeof value === "string" && value.includes("\n")) {
    const literal = literalLines(value);
    if (literal) return [`${lead} ${literal[0]}`, ...literal[1].map((line) => (line ? pad + line : ""))];
  }
  return [`${lead} ${scalar(value, date)}`];
}

function mapping(data, indent, model) {
  const fields = (model && SHAPES[model]) || [];
  const names = new Set(fields.map((f) => f[0]));
  const order = [...fields.filter((f) => Object.hasOwn(data, f[0])),
    ...Object.keys(data).filter((k) => !names.has(k)).map((k) => [k, null])];
  const out = [];
  for (const [name, kind] of order) {
    const nested = kind && SHAPES[kind] ? kind : null;
    out.push(...emitValue(data[name], indent + 2, nested, kind === "date", " ".repeat(indent) + key(name) + ":"));
  }
  return out;
}

function sequence(items, indent, model, date) {
  const out = [];
  for (const item of items) out.push(...emitValue(item, indent + 2, model, date, " ".repeat(indent) + "-"));
  return out;
}

/** The text of a catalogue file of `kind` (community, training, tool, intervention, themes, organisations, sources). */
export function emit(kind, data) {
  const model = KINDS[kind];
  let lines;
  if (LISTS.includes(kind) && Array.isArray(data)) lines = data.length ? sequence(data, 0, model, false) : ["[]"];
  else if (!LISTS.includes(kind) && isMapping(data)) lines = Object.keys(data).length ? mapping(data, 0, model) : ["{}"];
  else throw new Error(`contenu inattendu pour ${kind}`);
  return [HEADERS[kind], ...lines].join("\n") + "\n";
}

/** An emptied widget's value (null, undefined, "", [], {}) dropped from every mapping, recursively. */
export function clean(value) {
  if (Array.isArray(value)) return value.map(clean);
  if (!isMapping(value)) return value;
  const out = {};
  for (const [name, item] of Object.entries(value)) {
    const kept = clean(item);
    const empty = kept === null || kept === undefined || kept === "" || (Array.isArray(kept) && !kept.length)
      || (isMapping(kept) && !Object.keys(kept).length);
    if (!empty) out[name] = kept;
  }
  return out;
}

/** The data of a catalogue file's text (YAML 1.2 core schema: dates stay "YYYY-MM-DD" strings). */
export function parse(text) {
  return load(text, { schema: CORE_SCHEMA });
}

function listKind(text, data) {
  const named = LISTS.find((name) => text.startsWith(HEADERS[name] + "\n"))
    || LISTS.find((name) => text.startsWith(HEADERS[name].split("\n")[0] + "\n"));
  if (named) return named;
  const item = (data || []).find(isMapping) || {};
  return "name" in item ? "organisations" : "publisher" in item ? "sources" : "themes";
}

/** The {fromFile, toFile} of one format: a record type, a list name, or "list" (any reference list). */
export function formatter(kind) {
  if (kind === "list" || LISTS.includes(kind)) {
    return {
      fromFile(content) {
        const data = parse(content);
        if (!Array.isArray(data)) throw new Error("une liste de référence doit être une liste YAML");
        return { [kind === "list" ? listKind(content, data) : kind]: data };
      },
      toFile(data) {
        const name = kind === "list" ? LISTS.find((n) => Array.isArray(data?.[n])) : kind;
        if (!name) throw new Error("aucune liste themes, organisations ou sources à écrire");
        return emit(name, clean(data[name] ?? []));
      },
    };
  }
  if (!KINDS[kind]) throw new Error(`format inconnu : ${kind}`);
  return {
    fromFile(content) {
      const data = parse(content);
      if (!isMapping(data)) throw new Error("une fiche doit contenir des lignes « champ: valeur »");
      return data;
    },
    toFile(data) {
      return emit(kind, clean(data));
    },
  };
}

/** Registers campus-<kind> for every record type and list, and campus-list, with extension yml. */
export function registerCampusFormats(CMS) {
  for (const kind of [...Object.keys(KINDS), "list"]) CMS.registerCustomFormat(`campus-${kind}`, "yml", formatter(kind));
}

if (typeof window !== "undefined" && window.CMS) registerCampusFormats(window.CMS);
