"""The MkDocs adapter: the `campus` plugin (plugin.py, thin hooks), its options (options.py), the
generated pages and data files as MkDocs files (pages.py), its log handling (logs.py), branding,
the markup fixes of mkdocs-material's pages, and `mkdocs serve`'s file watching.

May import: MkDocs and mkdocs_campus.speed, .outputs, .catalogue.
"""
