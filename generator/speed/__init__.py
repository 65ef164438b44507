"""Speed machinery: what makes a build incremental or parallel without changing one byte of it —
the page cache and records memo kept between builds (cache.py), each page's input fingerprint
(dependencies.py), forked workers for loading, rendering and exports (parallel.py); what an
incremental build takes from the cache folder and which pages it renders (incremental.py), where
the open data are computed and written (exporting.py), and `mkdocs serve`'s session and its
background steps (serving.py).

May import: mkdocs_campus.outputs, mkdocs_campus.catalogue. Never MkDocs.
"""
