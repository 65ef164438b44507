// Starts the /admin/ editor (Decap CMS, loaded before this module by admin/index.html, which
// generator/outputs/editor.py writes with config.yml). campus-format.js registers the catalogue's YAML
// formats (campus-<type>, campus-<list>) when it is imported; then Decap reads config.yml.
import "./campus-format.js";

CMS.init();
