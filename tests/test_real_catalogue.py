"""The real catalogue: the facts of the source documents reach their pages, and no private name does."""

from __future__ import annotations

import re

import pytest

from conftest import parse

FIRST_NAMES = ["Nadège", "Carmen", "Léticia", "Delphine", "Joelle", "Fany", "Gaëlle", "Bénédicte", "Saliha",
               "Imen", "Johanna", "Corinne", "Mickael", "Véronique", "Ludovic"]
PEOPLE = ["Lemonnier", "Jacquart", "Gruber"]


def text_of(site, path: str) -> str:
    page = parse(site / path / "index.html")
    return " ".join(page.select_one("article").get_text(" ").split())


def facts_of(site, path: str) -> dict[str, str]:
    page = parse(site / path / "index.html")
    return {dt.get_text(): " ".join(dd.get_text(" ").split())
            for dt, dd in zip(page.select(".campus-facts dt"), page.select(".campus-facts dd"))}


def test_public_facilitators_community(real_site):
    facts = facts_of(real_site, "communautes/facilitateurs-publics")
    assert facts["Membres"].startswith("500 ")
    assert "pôle facilitation et intelligence collective" in facts["Animée par"].lower()
    assert facts["Lieu"] == "France"
    text = text_of(real_site, "communautes/facilitateurs-publics")
    for fact in ("Journée de la Facilitation Publique", "webinaires des facilitateurs",
                 "Devenez facilitateur", "Découvrez la facilitation", "Devenez formateur en facilitation"):
        assert fact.lower() in text.lower(), fact
    interventions = parse(real_site / "communautes/facilitateurs-publics/index.html").find(
        "h2", string="Interventions animées").find_next("ul").select(".campus-card__title a")
    titles = " ".join(a.get_text() for a in interventions)
    for who in ("ANSSI", "biocontrôle", "DGEFP"):
        assert who.lower() in titles.lower(), who


def test_co_development_figures_are_all_kept_with_their_source(real_site):
    members = facts_of(real_site, "communautes/codeveloppeurs")["Membres"]
    for figure in ("130 animateurs", "200 co-développeurs", "300 animateurs", "400 animateurs"):
        assert figure in members, figure
    assert members.count("source :") == 4
    page = parse(real_site / "communautes/codeveloppeurs/index.html")
    assert "plusieurs effectifs" in page.select_one(".campus-note").get_text()


def test_paris_dsol_network(real_site):
    facts = facts_of(real_site, "communautes/facilit-ensemble")
    assert facts["Membres"].startswith("31 professionnels")
    assert facts["Création"] == "2023"
    assert "Formation-action" in text_of(real_site, "formations/formation-action-facilitation-dsol")
    assert facts_of(real_site, "formations/formation-action-facilitation-dsol")["Durée"] == "6 jours"


def test_bercy_network_and_its_first_plenary(real_site):
    assert facts_of(real_site, "communautes/facilitateurs-internes-bercy")["Membres"].startswith(
        "plus de 200 facilitateurs internes")
    plenary = text_of(real_site, "interventions/premiere-pleniere-facilitateurs-bercy")
    assert "plus de 60 collaborateurs" in plenary and "12 promotions" in plenary
    assert "7 novembre" in facts_of(real_site, "interventions/premiere-pleniere-facilitateurs-bercy")["Quand"]


def test_interventions_show_who_asked_and_how_many_took_part(real_site):
    facts = facts_of(real_site, "interventions/consultation-jeunes-et-ecrans")
    assert "Commission Jeunes et Écrans" in facts["Demandée par"]
    assert facts["Participants"].startswith("plus de 80")
    assert "31 avril 2024" in text_of(real_site, "interventions/consultation-jeunes-et-ecrans")
    programme = facts_of(real_site, "interventions/programme-co-developpement-directeurs-de-projet")
    assert programme["Participants"].startswith("150 directeurs de projet")


def test_toolbox_lists_its_parts(real_site):
    page = parse(real_site / "outils/mallette-transformation-manageriale/index.html")
    parts = page.find("h2", string="Contenu de cette collection").find_next("ul").select(".campus-card__title a")
    assert len(parts) == 8
    assert "Les micro-défis" in {a.get_text() for a in parts}


def test_sources_are_cited_with_publisher_and_date(real_site):
    page = parse(real_site / "communautes/facilitateurs-publics/index.html")
    sources = [" ".join(li.get_text(" ").split()) for li in page.select(".campus-sources li")]
    assert any("La communauté des facilitateurs publics" in s and "31 octobre 2024" in s
               and "10 décembre 2024" in s for s in sources), sources


@pytest.mark.parametrize("name", FIRST_NAMES + PEOPLE)
def test_no_private_name_is_published(real_site, name):
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for path in real_site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".xml", ".txt"}:
            assert not pattern.search(path.read_text(encoding="utf-8", errors="ignore")), (name, path)
