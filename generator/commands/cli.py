"""The `campus` command: what MkDocs lacks (init, check, new, pages, schema, export, review)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..catalogue import records as r
from ..catalogue.files import loops, resolved
from ..catalogue.errors import CatalogueError, counted, format_problems, summary_line
from ..catalogue.fmt import catalogue_comments, format_warnings
from ..catalogue.pipeline import read_catalogue
from ..outputs.render import SiteRenderer, write_pages, written_pages
from ..outputs.schema import stale_schemas, write_schemas
from ..catalogue.validate import validate_catalogue
from . import fmt as fmt_command
from .french_args import TYPES_HELP, FrenchParser, record_type


def _catalogue_root(path: Path) -> Path:
    """The catalogue folder a path belongs to (the path itself, or an ancestor with themes.yml)."""
    path = resolved(path)
    if not path.exists() and not path.is_symlink():
        return path
    for candidate in [path, *path.parents]:
        themes = candidate / "themes.yml"
        if candidate.is_dir() and (themes.exists() or themes.is_symlink()):
            return candidate
    return path if path.is_dir() or loops(path) else path.parent  # a catalogue in a loop: said so


def cmd_check(args) -> int:
    roots = sorted({_catalogue_root(Path(p)) for p in (args.paths or ["catalogue"])})
    problems, counts, warnings = [], {}, []
    for root in roots:
        base = Path.cwd() if Path.cwd() in root.parents else root.parent
        valid, found = validate_catalogue(root, base)
        warnings += catalogue_comments(root, base)  # catalogue/fmt.py: the editor would drop them
        problems += found
        for item in valid.records:
            counts[item.type] = counts.get(item.type, 0) + 1
    if warnings:
        print(format_warnings(warnings, args.format), file=sys.stdout if args.format == "github" else sys.stderr)
    if problems:
        print(format_problems(problems, args.format))
        print(summary_line(problems), file=sys.stderr if args.format != "text" else sys.stdout)
        return 1
    total = sum(counts.values())
    detail = ", ".join(counted(counts.get(t.name, 0), t.label.lower(), t.plural.lower())
                       for t in r.RECORD_TYPES.values())
    message = f"Catalogue valide : {counted(total, 'fiche')} ({detail})"
    if args.format == "json":
        print("[]")
        print(message, file=sys.stderr)
    else:
        print(message)
    return 0


def cmd_new(args) -> int:
    from .scaffold import new_record
    try:
        path = new_record(Path(args.catalogue), args.type, args.title, dt.date.today())
    except FileExistsError as exc:
        print(f"campus new : {exc.filename} existe déjà ; choisissez un autre titre ou modifiez ce fichier.",
              file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"campus new : {exc}", file=sys.stderr)
        return 2
    print(f"Fiche créée : {os.path.relpath(path)}\nComplétez ses champs (l'aide de chacun : la page « Champs des "
          "fiches » du site, ou votre éditeur par le schéma), puis lancez « campus check ».")
    return 0


def _load_or_report(catalogue: str):
    try:
        return read_catalogue(resolved(Path(catalogue)), Path.cwd())
    except CatalogueError as exc:
        print(format_problems(exc.problems))
        print(summary_line(exc.problems))
        return None


def cmd_pages(args) -> int:
    catalogue = _load_or_report(args.catalogue)
    if catalogue is None:
        return 1
    intro_path = Path(args.content) / "index.md"
    intro = intro_path.read_text(encoding="utf-8") if intro_path.is_file() else ""
    content = Path(args.content)
    pages = SiteRenderer(catalogue).all_pages(intro, written_pages(content) if content.is_dir() else {})
    write_pages(pages, Path(args.out))
    print(f"{counted(len(pages), 'page écrite', 'pages écrites')} dans {args.out}")
    return 0


def cmd_schema(args) -> int:
    out = Path(args.out)
    if args.check:
        stale = stale_schemas(out)
        if stale:
            print("Schémas à régénérer (campus schema) : " + ", ".join(stale))
            return 1
        print("Schémas à jour.")
        return 0
    for path in write_schemas(out):
        print(f"écrit : {path}")
    return 0


def cmd_links(args) -> int:
    from .linkcheck import check_site
    site = Path(args.site)
    if not site.is_dir():
        print(f"campus links : {site} n'est pas un dossier ; construisez d'abord le site (make site).",
              file=sys.stderr)
        return 2
    report = check_site(site, external=args.external, site_url=args.site_url, timeout=args.timeout)
    for broken in report.broken:
        print(broken)
    print(report.summary())
    return 1 if report.broken else 0


def cmd_review(args) -> int:
    from .review import run
    return run(args.paths, args.months, args.external, args.format, args.timeout)


def cmd_init(args) -> int:
    from .init import InitError, init_site
    target = Path(args.dir)
    try:
        written = init_site(target, args.name, args.short_name)
    except InitError as exc:
        print(f"campus init : {exc}", file=sys.stderr)
        return 2
    print(f"Site « {' '.join(args.name.split())} » créé dans {target} ({counted(len(written), 'fichier')}).\n"
          f"Ensuite : cd {target} && make site (installe le générateur dans .venv, vérifie et construit le site) ; "
          "complétez les pages de content/ (repères « [À compléter] ») ; .venv/bin/campus new TYPE \"Titre\" "
          "ajoute une fiche. Le mode d'emploi : README.md.")
    return 0


def cmd_export(args) -> int:
    from ..outputs.exports import site_url_from_config, write_exports
    catalogue = _load_or_report(args.catalogue)
    if catalogue is None:
        return 1
    site_url = args.site_url if args.site_url is not None else site_url_from_config(Path(args.config))
    from ..outputs.networks import networks_from_config
    written = write_exports(catalogue, Path(args.out), site_url, networks_from_config(Path(args.config)))
    print(f"{counted(len(written), 'fichier de données écrit', 'fichiers de données écrits')} dans {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = FrenchParser(prog="campus", description="Outils du catalogue Campus.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMANDE", title="commandes")

    check = sub.add_parser("check", help="vérifier tout le catalogue et signaler chaque problème")
    check.add_argument("paths", nargs="*", metavar="PATH", help="dossier du catalogue ou fichiers (défaut : catalogue)")
    check.add_argument("--format", choices=["text", "github", "json"], default="text")
    check.set_defaults(func=cmd_check)

    new = sub.add_parser("new", help="créer une nouvelle fiche")
    new.add_argument("type", metavar="TYPE", type=record_type, help=f"type de la fiche : {TYPES_HELP}")
    new.add_argument("title", metavar="TITRE", help="titre de la fiche, qui donne son nom de fichier")
    new.add_argument("--catalogue", default="catalogue", help="dossier du catalogue (défaut : catalogue)")
    new.set_defaults(func=cmd_new)

    pages = sub.add_parser("pages", help="écrire les pages générées (Markdown) pour un autre moteur")
    pages.add_argument("out", metavar="DOSSIER", help="dossier où écrire les pages")
    pages.add_argument("--catalogue", default="catalogue", metavar="DOSSIER", help="dossier du catalogue")
    pages.add_argument("--content", default="content", metavar="DOSSIER", help="dossier des pages écrites à la main")
    pages.set_defaults(func=cmd_pages)

    schema = sub.add_parser("schema", help="écrire les schémas JSON des fiches")
    schema.add_argument("out", nargs="?", default="schemas", metavar="DOSSIER", help="dossier des schémas (défaut : schemas)")
    schema.add_argument("--check", action="store_true", help="vérifier que les schémas sont à jour")
    schema.set_defaults(func=cmd_schema)

    links = sub.add_parser("links", help="vérifier les liens et les ancres du site construit")
    links.add_argument("site", metavar="SITE_DIR", help="dossier du site construit (par exemple site)")
    links.add_argument("--external", action="store_true",
                       help="vérifier aussi les liens vers d'autres sites (demande le réseau)")
    links.add_argument("--site-url", default=None, metavar="URL",
                       help="adresse publique du site (défaut : lien canonique de la page d'accueil)")
    links.add_argument("--timeout", type=float, default=10.0, metavar="SECONDES",
                       help="délai par adresse externe, en secondes")
    links.set_defaults(func=cmd_links)

    review = sub.add_parser("review", help="lister les fiches à revoir : anciennes, sessions passées, adresses mortes")
    review.add_argument("paths", nargs="*", metavar="PATH", help="dossier du catalogue (défaut : catalogue)")
    review.add_argument("--months", type=int, default=12,
                        help="une fiche non mise à jour depuis plus de ce nombre de mois est à revoir (défaut : 12)")
    review.add_argument("--external", action="store_true",
                        help="vérifier aussi que les adresses web des fiches répondent (demande le réseau)")
    review.add_argument("--format", choices=["text", "github", "json"], default="text")
    review.add_argument("--timeout", type=float, default=10.0, help="délai par adresse externe, en secondes")
    review.set_defaults(func=cmd_review)

    init = sub.add_parser("init", help="créer le site d'un nouveau réseau, prêt à remplir")
    init.add_argument("dir", metavar="DIR", help="dossier à créer (absent ou vide)")
    init.add_argument("name", metavar="NOM", help="nom du réseau, par exemple « Campus des facilitateurs »")
    init.add_argument("--short-name", default=None, metavar="NOM_COURT", help="nom court, pour l'en-tête (défaut : le nom)")
    init.set_defaults(func=cmd_init)

    export = sub.add_parser("export", help="écrire les données ouvertes : JSON, CSV par type et schémas")
    export.add_argument("out", metavar="DIR", help="dossier où écrire les données")
    export.add_argument("--catalogue", default="catalogue", metavar="DOSSIER", help="dossier du catalogue")
    export.add_argument("--site-url", default=None, metavar="URL",
                        help="adresse publique du site, pour les liens des fiches (défaut : site_url de --config)")
    export.add_argument("--config", default="mkdocs.yml", metavar="FICHIER", help="configuration MkDocs où lire site_url")
    export.set_defaults(func=cmd_export)

    fmt = sub.add_parser("fmt", help="mettre les fichiers du catalogue au format de l'éditeur en ligne")
    fmt.add_argument("paths", nargs="*", metavar="PATH", help="fichiers ou dossiers (défaut : catalogue)")
    fmt.add_argument("--check", action="store_true", help="lister les fichiers à mettre en forme, sans écrire")
    fmt.add_argument("--format", choices=["text", "github", "json"], default="text")
    fmt.add_argument("--drop-comments", action="store_true", help="supprimer les commentaires (sinon : refusés)")
    fmt.set_defaults(func=lambda args: fmt_command.run(args.paths, args.check, args.format, args.drop_comments))
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:  # a message is already one printable line; this only keeps an odd terminal from crashing
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"campus : {exc.strerror} : {exc.filename}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
