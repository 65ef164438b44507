// Starts the /admin/ editor (Decap CMS, loaded before this module by admin/index.html, which
// generator/outputs/editor.py writes with config.yml). campus-format.js registers the catalogue's YAML
// formats (campus-<type>, campus-<list>) when it is imported; then, before Decap reads config.yml:
// the French phrases Decap lacks (campus-locale.js), the choice lists' French words and search
// (campus-select.js), the AAAA-MM-JJ date field (campus-date.js), the identifier check before a
// new record is saved (campus-ids.js), French names where Decap's components have no option
// (campus-names.js), and no media library (no field takes an image or a file).
import "./campus-format.js";
import { registerFrench } from "./campus-locale.js";
import { campusRelation, campusSelect, forgetOptions } from "./campus-select.js";
import { campusDate, registerDateCheck } from "./campus-date.js";
import { registerIdCheck } from "./campus-ids.js";
import { watchNames } from "./campus-names.js";

const CMS = window.CMS;
registerFrench(CMS);
for (const [name, wrap] of [["relation", campusRelation], ["select", campusSelect]]) {
  const widget = CMS.getWidget(name);
  CMS.registerWidget(name, wrap(widget.control), widget.preview, widget.schema);
}
const datetime = CMS.getWidget("datetime").control;
CMS.registerWidget("campus-date", campusDate(Object.getPrototypeOf(datetime)), () => null);
registerIdCheck(CMS);
registerDateCheck(CMS);
CMS.registerEventListener({ name: "postSave", handler: () => { forgetOptions(); } });
// config.yml's media_library: Decap shows its « Médias » tab when the library allows a standalone
// view; this one does not (and is never opened: no field is an image or a file).
CMS.registerMediaLibrary({ name: "campus-sans-media", init: async () => ({ enableStandalone: () => false }) });

watchNames();  // the names Decap's components give in English, with no option (campus-names.js)

CMS.init();
