"""The `campus` command (cli.py) and what only it does: init, new (scaffold.py), links.

May import: every other sub-package of mkdocs_campus.
"""
