// The catalogue's file formats for the /admin/ editor (Decap CMS), then Decap's start.
// generator/editor.py writes the page and config.yml from the record models; this script reads
// the page's #campus-editor data (each record type's header line and field order, each reference
// list's header comment) and registers:
//  - campus-record-<type>: a record file, its `$schema` line first, fields in the model's order,
//    empty values left out (an untouched optional field is absent, as `campus check` wants);
//  - campus-list: a reference list (catalogue/themes.yml…), a YAML list at the top level, which
//    Decap's file collections cannot hold: read as {items: [...]}, written back as the list, its
//    header comment kept.
// Everything is served by the site itself (the yaml library is copied into admin/yaml/).
import * as YAML from "./yaml/index.js";

const data = JSON.parse(document.getElementById("campus-editor").textContent);

function isEmpty(value) {
  return value === null || value === undefined || value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

// Empty values out, keys in the given order (unknown keys after them, never dropped).
function cleaned(value, order) {
  if (Array.isArray(value)) {
    return value.map((item) => cleaned(item, order)).filter((item) => !isEmpty(item));
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    const sorted = (order || []).filter((k) => keys.includes(k)).concat(keys.filter((k) => !(order || []).includes(k)));
    const out = {};
    for (const key of sorted) {
      const item = cleaned(value[key], null);
      if (!isEmpty(item)) out[key] = item;
    }
    return out;
  }
  return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value;
}

const STRINGIFY = { lineWidth: 0, indentSeq: true, blockQuote: "literal", aliasDuplicateObjects: false };

function dump(value) {
  return isEmpty(value) ? "" : YAML.stringify(value, STRINGIFY);
}

function headerOf(text) {
  const lines = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    lines.push(line);
  }
  return lines;
}

for (const [type, record] of Object.entries(data.records)) {
  CMS.registerCustomFormat(`campus-record-${type}`, "yml", {
    fromFile: (text) => YAML.parse(text) || {},
    toFile: (value) => {
      const body = dump(cleaned(value, record.order));
      return `${record.header}\n${body}`;
    },
  });
}

CMS.registerCustomFormat("campus-list", "yml", {
  fromFile: (text) => {
    const parsed = YAML.parse(text);
    const header = headerOf(text);
    return { items: Array.isArray(parsed) ? parsed : [], header: header.join("\n") };
  },
  toFile: (value) => {
    // Which list: by its header comment, else by the fields its items have.
    const first = (value.items || [])[0] || {};
    const listName = Object.keys(data.lists).find((name) => value.header && data.lists[name].header === value.header) ||
      ("name" in first ? "organisations" : "publisher" in first ? "sources" : "themes");
    const list = data.lists[listName];
    const items = cleaned(value.items || [], null).map((item) => cleaned(item, list.order));
    const headerText = value.header || list.header;
    const header = headerText ? `${headerText}\n` : "";
    return header + dump(items);
  },
});

CMS.init();
