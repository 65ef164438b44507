"""Catalogue core: the records' model (records.py), YAML loaded with positions (load.py),
validated with every problem located (validate.py, errors.py), linked both ways (model.py),
chained by pipeline.py.

May import: the standard library, pydantic, PyYAML, nothing else of mkdocs_campus. Never MkDocs.
"""
