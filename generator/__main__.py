"""`python -m mkdocs_campus …` is the `campus` command."""

from .commands.cli import main

raise SystemExit(main())
