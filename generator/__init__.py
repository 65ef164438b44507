"""mkdocs-campus: the generator of Campus, the catalogue of the French public sector's
transformation resources (import name `mkdocs_campus`; its source is this `generator/` folder).

The pipeline, one direction of data, one sub-package per stage group; each may import only the
ones below it (tests/test_architecture.py runs import-linter's layers contract):

    commands/   the `campus` command: check, new, fmt, pages, export, schema, init, links
    adapter/    the MkDocs plugin: thin hooks; build and serve orchestration; markup fixes
    speed/      incremental and parallel machinery: page cache, records memo, dependencies, workers
    outputs/    catalogue -> pages, open data, feed, JSON-LD, JSON Schemas, search index, networks
    catalogue/  records model, YAML loading with positions, validation, linked catalogue

Only adapter/ (and commands/ through it) imports MkDocs: the core produces pages and data alone.
"""
