"""The MkDocs adapter: the `campus` plugin (plugin.py, thin hooks), its options (options.py),
branding, the markup fixes of mkdocs-material's pages, and `mkdocs serve`'s file watching.

May import: MkDocs and mkdocs_campus.speed, .outputs, .catalogue.
"""
