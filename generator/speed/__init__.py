"""Speed machinery: what makes a build incremental or parallel without changing one byte of it —
the page cache and records memo kept between builds (cache.py), each page's input fingerprint
(dependencies.py), forked workers for loading, rendering and exports (parallel.py).

May import: mkdocs_campus.outputs, mkdocs_campus.catalogue. Never MkDocs.
"""
