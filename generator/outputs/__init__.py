"""Outputs: what the linked catalogue becomes, without any builder — template data (present.py),
Markdown pages through Jinja (render.py), open data (exports.py), the Atom feed (feed.py),
JSON-LD (jsonld.py), JSON Schemas and field docs (schema.py, fields.py), the Pagefind index of a
built site (search.py; its pages in search_pages.py, its parts and their cache in search_parts.py),
and other networks' catalogues included (networks.py; one export fetched within bounds in
network_fetch.py, checked and imported in network_import.py).

May import: mkdocs_campus.catalogue. Never MkDocs.
"""
