"""Synthetic catalogues for benchmarks: N valid records, deterministic from a seed.

`generate(dest, n, seed)` writes a complete project at `dest`: a `mkdocs.yml` inheriting the
real configuration, `content/index.md` and `catalogue/` (reference lists and N records over
the four types). Text lengths follow the real catalogue (summaries of ~150 characters,
descriptions of 2 to 5 paragraphs, longer for communities), every record has themes and
sources, and records point to each other the way real ones do: trainings and tools to
communities, tools to their collection, interventions to the communities that facilitated
them and the tools they used.

    python bench/synthetic.py DEST N [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs_campus.catalogue import records as r  # noqa: E402
from mkdocs_campus.catalogue.validate import slugify  # noqa: E402

# Share of each record type (the rest of n goes to interventions).
SHARES = {"community": 0.10, "training": 0.25, "tool": 0.35}

THEMES = [
    ("intelligence-collective", "Intelligence collective"),
    ("facilitation", "Facilitation"),
    ("co-developpement", "Co-développement"),
    ("design-de-service", "Design de service"),
    ("participation-citoyenne", "Participation citoyenne"),
    ("transformation-manageriale", "Transformation managériale"),
    ("sciences-comportementales", "Sciences comportementales"),
    ("simplification", "Simplification"),
    ("conduite-de-projet", "Conduite de projet"),
    ("impact-et-evaluation", "Impact et évaluation"),
    ("qualite-de-service", "Qualité de service"),
    ("innovation-publique", "Innovation publique"),
    ("numerique", "Numérique"),
    ("transition-ecologique", "Transition écologique"),
    ("coaching", "Coaching"),
    ("formation-de-formateurs", "Formation de formateurs"),
]

PLACES = ["Paris", "Lyon", "Marseille", "Lille", "Bordeaux", "Nantes", "Strasbourg", "Rennes",
          "Toulouse", "Montpellier", "Dijon", "Rouen", "Orléans", "Clermont-Ferrand", "Ajaccio",
          "Cayenne", "Fort-de-France", "Besançon", "Metz", "Poitiers"]
ADMINISTRATIONS = ["direction régionale", "préfecture", "rectorat", "direction départementale",
                   "agence régionale de santé", "caisse d'allocations familiales", "conseil départemental",
                   "métropole", "direction interministérielle", "secrétariat général", "opérateur national",
                   "centre de gestion", "université", "hôpital public", "communauté de communes"]
SUBJECTS = ["la communauté", "le réseau", "l'équipe d'animation", "la direction", "le laboratoire d'innovation",
            "chaque participant", "le groupe de pairs", "l'administration", "le collectif d'agents",
            "la mission innovation", "le comité de pilotage", "la cellule de facilitation",
            "le pôle design", "le service formation"]
VERBS = ["accompagne", "anime", "structure", "documente", "outille", "forme", "réunit", "soutient",
         "valorise", "conçoit", "expérimente", "évalue", "met en relation", "prépare", "organise"]
OBJECTS = ["des ateliers d'intelligence collective", "des séminaires de direction", "des parcours usagers",
           "des groupes de co-développement", "des démarches de participation citoyenne",
           "des projets de transformation managériale", "des consultations ouvertes", "des revues de processus",
           "des expérimentations de terrain", "des temps d'échange entre pairs", "des prototypes de services",
           "des retours d'expérience", "des formations-actions", "des diagnostics partagés",
           "des feuilles de route"]
CLAUSES = ["au plus près des agents de terrain", "avec les usagers et les habitants",
           "dans les trois versants de la fonction publique", "à l'échelle d'un territoire",
           "en s'appuyant sur les sciences comportementales", "en présentiel comme à distance",
           "selon un cadre précis et partagé", "pour sécuriser la réussite des projets",
           "afin de simplifier les démarches", "en lien avec les directions métiers",
           "sur la base d'un diagnostic partagé", "pour faire évoluer la culture managériale",
           "au service des politiques prioritaires", "en mobilisant des ressources collectives",
           "dans une logique d'amélioration continue"]
TAILS = ["Les sources ne précisent pas le calendrier.", "Le dispositif est appelé à s'étendre.",
         "Les participants en tirent des enseignements concrets.", "La démarche a fait l'objet d'un bilan.",
         "Les documents ne donnent pas d'autre chiffre.", "Plusieurs administrations l'ont reprise.",
         "Un retour d'expérience est prévu.", "La méthode est décrite dans un guide associé."]
NOUNS = ["Facilitation", "Co-développement", "Design", "Participation", "Innovation", "Coopération",
         "Simplification", "Management", "Évaluation", "Transition", "Service public", "Écoute usager",
         "Intelligence collective", "Prospective", "Accompagnement"]
QUALIFS = ["en action", "au quotidien", "pour tous", "territoriale", "interministérielle", "de proximité",
           "augmentée", "en pratique", "sans détour", "partagée", "ouverte", "durable"]


class _Text:
    """French-like prose from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        c = self.rng.choice
        text = f"{c(SUBJECTS)} {c(VERBS)} {c(OBJECTS)} {c(CLAUSES)}"
        if self.rng.random() < 0.5:
            text += f", {c(CLAUSES)}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        text = " ".join(self.sentence() for _ in range(sentences))
        return text + " " + self.rng.choice(TAILS)

    def summary(self) -> str:
        text = self.sentence()
        while len(text) < 120:
            text = text[:-1] + ", " + self.rng.choice(CLAUSES) + "."
        return text[:390]

    def description(self, paragraphs: int) -> str:
        parts = []
        for i in range(paragraphs):
            if i and self.rng.random() < 0.25:
                items = self.rng.sample(OBJECTS, 3)
                parts.append("\n".join(f"- {item} {self.rng.choice(CLAUSES)} ;" for item in items))
            else:
                para = self.paragraph(self.rng.randint(2, 4))
                if self.rng.random() < 0.3:
                    para = f"**{self.rng.choice(NOUNS)}.** " + para
                parts.append(para)
        return "\n\n".join(parts) + "\n"

    def title(self, prefix: str) -> str:
        return f"{prefix} {self.rng.choice(NOUNS).lower()} {self.rng.choice(QUALIFS)}"


def _date(rng: random.Random, start: dt.date = dt.date(2019, 1, 1), days: int = 2000) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _counts(n: int) -> dict[str, int]:
    if n < 4:
        raise ValueError("n must be at least 4 (one record of each type)")
    counts = {name: max(1, round(n * share)) for name, share in SHARES.items()}
    counts["intervention"] = n - sum(counts.values())
    return counts


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks (`|`), the way editors write descriptions."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def _dump(data, path: Path, schema: str | None = None) -> None:
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    if schema:
        text = f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json\n" + text
    path.write_text(text, encoding="utf-8")


def _mkdocs_yml() -> str:
    return (
        "# Synthetic benchmark project: the real configuration with a generated catalogue.\n"
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        "site_url: https://campus.test/\n"
        "theme:\n"
        f"  custom_dir: {ROOT / 'theme'}\n"
        "nav:\n"
        "  - Accueil: index.md\n"
        "  - Communautés: communautes/index.md\n"
        "  - Formations: formations/index.md\n"
        "  - Outils: outils/index.md\n"
        "  - Interventions: interventions/index.md\n"
        "  - Thématiques: thematiques/index.md\n"
        "  - Plan du site: plan-du-site.md\n"
    )


def generate(dest: Path, n: int, seed: int = 0) -> None:
    """Write a complete project of `n` valid records at `dest` (created if missing)."""
    dest = Path(dest)
    rng = random.Random(seed)
    text = _Text(rng)
    counts = _counts(n)
    catalogue = dest / "catalogue"
    for info in r.RECORD_TYPES.values():
        (catalogue / info.folder).mkdir(parents=True, exist_ok=True)
    (dest / "content").mkdir(parents=True, exist_ok=True)
    (dest / "mkdocs.yml").write_text(_mkdocs_yml(), encoding="utf-8")
    (dest / "content" / "index.md").write_text(
        "Le campus rassemble les communautés, formations, outils et interventions de la "
        f"transformation publique. Ce catalogue de test compte {n} fiches générées.\n", encoding="utf-8")

    theme_ids = [tid for tid, _ in THEMES]
    _dump([{"id": tid, "title": title, "description": text.sentence()} for tid, title in THEMES],
          catalogue / "themes.yml")
    org_count = max(10, n // 50)
    orgs = []
    for i in range(org_count):
        place = rng.choice(PLACES)
        name = f"{rng.choice(ADMINISTRATIONS).capitalize()} de {place} n° {i + 1}"
        org = {"id": f"org-{i + 1:05d}-{slugify(place)}", "name": name,
               "kind": rng.choice(list(r.ORGANISATION_KINDS))}
        if i >= 5 and rng.random() < 0.3:
            org["parent"] = orgs[rng.randrange(5)]["id"]
        orgs.append(org)
    _dump(orgs, catalogue / "organisations.yml")
    org_ids = [o["id"] for o in orgs]
    source_count = max(5, n // 20)
    sources = []
    for i in range(source_count):
        source = {"id": f"source-{i + 1:05d}", "title": text.title("Rapport"), "publisher": rng.choice(orgs)["name"],
                  "date": _date(rng), "note": text.sentence()}
        if rng.random() < 0.5:
            source["url"] = f"https://example.org/sources/{i + 1}"
        sources.append(source)
    _dump(sources, catalogue / "sources.yml")
    source_ids = [s["id"] for s in sources]

    def common(prefix: str, paragraphs: tuple[int, int]) -> dict:
        published = _date(rng)
        data = {"title": text.title(prefix), "summary": text.summary(),
                "description": text.description(rng.randint(*paragraphs)),
                "themes": sorted(rng.sample(theme_ids, rng.randint(1, 3))),
                "published": published}
        if rng.random() < 0.4:
            data["updated"] = published + dt.timedelta(days=rng.randrange(1, 400))
        data["sources"] = sorted(rng.sample(source_ids, rng.randint(1, min(2, len(source_ids)))))
        return data

    def figure(label: str) -> dict:
        item = {"value": rng.randrange(10, 3000), "qualifier": rng.choice(list(r.QUALIFIERS)), "label": label}
        if rng.random() < 0.5:
            item["source"] = rng.choice(source_ids)
        return item

    def record_id(kind: str, i: int, title: str) -> str:
        return f"{kind}-{i + 1:05d}-{slugify(title)[:40].strip('-')}"

    def write(info: r.RecordType, rid: str, data: dict) -> None:
        _dump(data, catalogue / info.folder / f"{rid}.yml", info.name)

    types = r.RECORD_TYPES
    community_ids = []
    for i in range(counts["community"]):
        data = common("Communauté", (4, 8))
        data.update({"organisation": rng.choice(org_ids), "animator": "Équipe d'animation du réseau",
                     "members": [figure("membres actifs") for _ in range(rng.randint(1, 3))],
                     "founded": rng.randint(2005, 2025), "scope": rng.choice(list(r.SCOPES)),
                     "location": rng.choice(PLACES),
                     "audience": sorted(rng.sample(list(r.AUDIENCES), rng.randint(1, 3))),
                     "activities": [{"title": text.title("Rencontres"), "frequency": "trimestrielle",
                                     "format": rng.choice(list(r.FORMATS)), "description": text.paragraph(2)}
                                    for _ in range(rng.randint(1, 3))],
                     "join": text.paragraph(2),
                     "contact": {"email": f"communaute{i + 1}@example.org"},
                     "url": f"https://example.org/communautes/{i + 1}"})
        rid = record_id("communaute", i, data["title"])
        community_ids.append(rid)
        write(types["community"], rid, data)

    for i in range(counts["training"]):
        data = common("Formation", (2, 4))
        data.update({"format": rng.choice(list(r.FORMATS)), "duration": f"{rng.randint(1, 12)} jours",
                     "audience": sorted(rng.sample(list(r.AUDIENCES), rng.randint(1, 3))),
                     "level": rng.choice(list(r.LEVELS)), "organisation": rng.choice(org_ids),
                     "communities": sorted(rng.sample(community_ids, rng.randint(1, min(2, len(community_ids)))))})
        if rng.random() < 0.5:
            start = _date(rng, dt.date(2025, 1, 1), 700)
            data["sessions"] = [{"start": start, "end": start + dt.timedelta(days=rng.randint(1, 5)),
                                 "place": rng.choice(PLACES)}]
        data["url"] = f"https://example.org/formations/{i + 1}"
        write(types["training"], record_id("formation", i, data["title"]), data)

    tool_ids, collections = [], []
    for i in range(counts["tool"]):
        data = common("Guide", (2, 4))
        is_collection = i % 10 == 0
        data["kind"] = "collection" if is_collection else rng.choice(
            [k for k in r.TOOL_KINDS if k != "collection"])
        if collections and not is_collection and rng.random() < 0.5:
            data["collection"] = rng.choice(collections[-20:])  # earlier tools only: no cycles
        data.update({"publisher": rng.choice(org_ids),
                     "communities": sorted(rng.sample(community_ids, rng.randint(0, min(2, len(community_ids))))),
                     "audience": sorted(rng.sample(list(r.AUDIENCES), rng.randint(1, 2))),
                     "format": rng.choice(list(r.FORMATS)), "url": f"https://example.org/outils/{i + 1}"})
        if not data["communities"]:
            del data["communities"]
        rid = record_id("outil", i, data["title"])
        tool_ids.append(rid)
        if is_collection:
            collections.append(rid)
        write(types["tool"], rid, data)

    for i in range(counts["intervention"]):
        data = common("Séminaire", (2, 4))
        data.update({"date": _date(rng, dt.date(2020, 1, 1), 2000),
                     "requested_by": sorted(rng.sample(org_ids, rng.randint(1, 2))),
                     "facilitated_by": sorted(rng.sample(community_ids, rng.randint(1, min(2, len(community_ids))))),
                     "format": rng.choice(list(r.INTERVENTION_FORMATS)),
                     "participants": [figure("participants")],
                     "objectives": list(dict.fromkeys(text.sentence() for _ in range(rng.randint(1, 3)))),
                     "methods": list(dict.fromkeys(rng.choice(OBJECTS).capitalize() for _ in range(rng.randint(1, 3)))),
                     "tools": sorted(rng.sample(tool_ids, rng.randint(0, min(3, len(tool_ids))))),
                     "outcomes": list(dict.fromkeys(text.paragraph(1) for _ in range(rng.randint(1, 2)))),
                     "location": rng.choice(PLACES)})
        if not data["tools"]:
            del data["tools"]
        write(types["intervention"], record_id("intervention", i, data["title"]), data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic Campus project of N records.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    generate(args.dest, args.n, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
