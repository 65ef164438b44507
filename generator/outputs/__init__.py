"""Outputs: what the linked catalogue becomes, without any builder — template data (present.py),
Markdown pages through Jinja (render.py), open data (exports.py), the Atom feed (feed.py),
JSON-LD (jsonld.py), JSON Schemas and field docs (schema.py, fields.py), the Pagefind index of a
built site (search.py), and other networks' catalogues included (networks.py).

May import: mkdocs_campus.catalogue. Never MkDocs.
"""
