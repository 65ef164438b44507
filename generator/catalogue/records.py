"""The content model: one declaration per record type.

Everything else derives from these classes: validation, the JSON Schemas editors use,
the `campus new` scaffold, the fields table in the docs and the CSV columns. Field names
are English; titles, descriptions and labels are French because editors read them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

import ada_url

# Patterns double as JSON Schema `pattern`s; validate.py maps each to a French message.
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A web address, local or imported, before the WHATWG parser reads it (`_web_address`): http(s),
# and none of the characters no real address carries raw, which would end an HTML attribute or a
# log line (quotes, angle brackets, backslash, backtick, whitespace, control characters).
URL_PATTERN = r"""^https?://[^\s"'<>\\`\x00-\x1f\x7f/?#][^\s"'<>\\`\x00-\x1f\x7f]*$"""
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"

Id = Annotated[str, Field(pattern=ID_PATTERN, title="Identifiant",
                          description="Lettres minuscules sans accent, chiffres et tirets.")]


def web_address_problem(value: str) -> str | None:
    """Why `value` is not a web address the site may print (in French), or None: it must match
    URL_PATTERN and be an absolute http(s) URL with a host for the WHATWG URL parser browsers use
    (ada, the parser of Node.js)."""
    if not isinstance(value, str) or len(value) > 2000:
        return "adresse trop longue (plus de 2 000 caractères)" if isinstance(value, str) else "texte attendu"
    if not re.fullmatch(URL_PATTERN, value):
        found = re.search(r"[\s\"'<>\\`\x00-\x1f\x7f]", value)
        if found and value.lower().startswith(("http://", "https://")):
            return f"caractère interdit {describe_url_character(found.group())} en position {found.start() + 1}"
        return "seules les adresses http:// et https:// sont acceptées"
    try:
        parsed = ada_url.URL(value)
    except ValueError:
        return "adresse mal formée : hôte, port ou encodage invalide"
    if parsed.protocol not in ("http:", "https:") or not parsed.hostname:
        return "seules les adresses http:// et https:// sont acceptées"
    return None


_URL_CHARACTER_NAMES = {'"': "guillemet « \" »", "'": "apostrophe « ' »", "<": "chevron « < »", ">": "chevron « > »",
                        "\\": "barre oblique inverse « \\ »", "`": "accent grave « ` »", " ": "espace"}


def describe_url_character(char: str) -> str:
    return _URL_CHARACTER_NAMES.get(char) or f"U+{ord(char):04X}"


def _web_address(value: str) -> str:
    problem = web_address_problem(value)
    if problem:
        raise PydanticCustomError("web_address", "{reason}", {"reason": problem})
    return value


Url = Annotated[str, Field(pattern=URL_PATTERN, title="Adresse web",
                           description="Adresse commençant par http:// ou https://, sans espace, guillemet ni chevron."),
                AfterValidator(_web_address)]
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, title="Adresse e-mail",
                             description="Boîte fonctionnelle uniquement, jamais une adresse personnelle.")]
# Invisible characters a one-line text must not hide (control characters are refused on loading).
_ONE_LINE_REFUSED = {"\n": "retour à la ligne", "\u200b": "espace sans chasse (U+200B)",
                     "\u200c": "antiliant sans chasse (U+200C)", "\u200d": "liant sans chasse (U+200D)",
                     "\u2060": "gluon de mots (U+2060)", "\ufeff": "espace insécable sans chasse (U+FEFF)"}


def _one_line(value: str) -> str:
    """A title, a label, a summary: one line, with no zero-width character hiding in it."""
    for char in value:
        if char in _ONE_LINE_REFUSED:
            raise PydanticCustomError("one_line", "{what} interdit", {"what": _ONE_LINE_REFUSED[char],
                                                                       "position": value.index(char) + 1})
    return value


Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_one_line)]
Markdown = Annotated[str, Field(min_length=1, max_length=20000,
                                description="Texte en Markdown.")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _iso_date(value):
    """Accept a quoted 'YYYY-MM-DD' like an unquoted date; refuse days that do not exist."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("impossible_date", "date impossible « {value} »", {"value": value})
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date), Field(description="Date au format AAAA-MM-JJ.")]

# Controlled vocabularies: value (stored in YAML, used in URLs and filters) -> French label.
FORMATS = {"online": "En ligne", "in_person": "En présentiel", "blended": "Hybride"}
Format = Literal["online", "in_person", "blended"]

AUDIENCES = {
    "agents": "Agents publics",
    "managers": "Cadres et managers",
    "project_leads": "Porteurs et directeurs de projet",
    "facilitators": "Facilitateurs",
    "trainers": "Formateurs",
    "innovation_labs": "Laboratoires d'innovation",
    "designers": "Designers publics",
    "coaches": "Coachs",
    "citizens": "Usagers et habitants",
}
Audience = Literal["agents", "managers", "project_leads", "facilitators", "trainers",
                   "innovation_labs", "designers", "coaches", "citizens"]

SCOPES = {
    "interministerial": "Interministériel",
    "ministry": "Ministériel",
    "local_authority": "Collectivité territoriale",
    "all_public_services": "Trois fonctions publiques",
}
Scope = Literal["interministerial", "ministry", "local_authority", "all_public_services"]

LEVELS = {
    "qualifying": "Formation qualifiante",
    "operational": "Formation opérationnelle",
    "introduction": "Initiation",
    "train_the_trainer": "Formation de formateurs",
    "training_action": "Formation-action",
}
Level = Literal["qualifying", "operational", "introduction", "train_the_trainer",
                "training_action"]

TOOL_KINDS = {
    "guide": "Guide", "kit": "Kit", "sheet": "Fiches", "game": "Jeu",
    "collection": "Recueil", "toolbox": "Boîte à outils", "training_material": "Support de formation",
    "workshop": "Idées d'ateliers", "challenge": "Défis", "report": "Rapport", "video": "Vidéo",
    "platform": "Plateforme",
}
ToolKind = Literal["guide", "kit", "sheet", "game", "collection", "toolbox", "training_material",
                   "workshop", "challenge", "report", "video", "platform"]

INTERVENTION_FORMATS = {
    "seminar": "Séminaire", "workshop": "Atelier", "open_forum": "Forum ouvert",
    "consultation": "Consultation", "plenary": "Plénière", "programme": "Programme",
    "support": "Accompagnement", "co_development": "Co-développement", "webinar": "Webinaire",
    "forum": "Forum", "event": "Événement",
}
InterventionFormat = Literal["seminar", "workshop", "open_forum", "consultation", "plenary",
                             "programme", "support", "co_development", "webinar", "forum",
                             "event"]

QUALIFIERS = {"exact": "", "at_least": "plus de", "about": "environ", "nearly": "près de"}
Qualifier = Literal["exact", "at_least", "about", "nearly"]

ORGANISATION_KINDS = {
    "interministerial": "Direction interministérielle", "ministry": "Ministère",
    "directorate": "Direction d'administration centrale", "agency": "Agence ou opérateur",
    "deconcentrated": "Service déconcentré", "local_authority": "Collectivité territoriale",
    "commission": "Commission", "other": "Autre",
}
OrganisationKind = Literal["interministerial", "ministry", "directorate", "agency",
                           "deconcentrated", "local_authority", "commission", "other"]

# Every vocabulary above, so a schema's choices find their labels (schema.py, fields.py).
VOCABULARIES = (FORMATS, AUDIENCES, SCOPES, LEVELS, TOOL_KINDS, INTERVENTION_FORMATS, QUALIFIERS,
                ORGANISATION_KINDS)


class Strict(BaseModel):
    """Strict types and no unknown keys: what the YAML says is what the JSON Schema accepts."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Figure(Strict):
    """Un chiffre daté et sourcé (membres, participants, personnes formées…)."""

    model_config = ConfigDict(title="Chiffre")
    value: Count = Field(title="Valeur", description="Le nombre, positif ou nul.")
    qualifier: Qualifier = Field("exact", title="Précision",
                                 description="exact, at_least (plus de), about (environ), nearly (près de).")
    label: Optional[Text] = Field(None, title="Ce qui est compté",
                                  description="Par exemple « animateurs de co-développement ».")
    as_of: Optional[Date] = Field(None, title="Date", description="Date à laquelle le chiffre est donné.")
    source: Optional[Id] = Field(None, title="Source",
                                 description="Identifiant d'une source de catalogue/sources.yml.")


class Contact(Strict):
    """Comment joindre : adresse web ou boîte fonctionnelle, jamais une personne."""

    model_config = ConfigDict(title="Contact")
    url: Optional[Url] = Field(None, title="Page de contact")
    email: Optional[Email] = Field(None, title="Boîte fonctionnelle")


class Activity(Strict):
    """Un rendez-vous régulier d'une communauté."""

    model_config = ConfigDict(title="Activité")
    title: Text = Field(title="Nom", description="Nom du rendez-vous.")
    frequency: Optional[Text] = Field(None, title="Fréquence", description="Par exemple « biannuel ».")
    format: Optional[Format] = Field(None, title="Format", description="Forme du rendez-vous.")
    duration: Optional[Text] = Field(None, title="Durée", description="Par exemple « une demi-journée ».")
    description: Optional[Markdown] = Field(None, title="Description")


class Session(Strict):
    """Une session datée d'une formation."""

    model_config = ConfigDict(title="Session")
    start: Date = Field(title="Début", description="Premier jour de la session (AAAA-MM-JJ).")
    end: Optional[Date] = Field(None, title="Fin", description="Dernier jour de la session (AAAA-MM-JJ).")
    place: Optional[Text] = Field(None, title="Lieu", description="Ville, ou « À distance ».")
    note: Optional[Text] = Field(None, title="Remarque", description="Précision utile, par exemple sur l'inscription.")


class Record(Strict):
    """Fields every record carries."""

    title: Text = Field(title="Titre", description="Nom de la ressource, tel qu'affiché.")
    summary: Annotated[str, Field(min_length=1, max_length=400), AfterValidator(_one_line)] = Field(
        title="Résumé", description="Une ou deux phrases, en texte simple.")
    description: Optional[Markdown] = Field(None, title="Description")
    themes: list[Id] = Field(default_factory=list, title="Thématiques",
                             description="Identifiants de catalogue/themes.yml.")
    key_figures: list[Figure] = Field(default_factory=list, title="Chiffres clés")
    published: Date = Field(title="Publiée le", description="Date d'ajout au catalogue (AAAA-MM-JJ).")
    updated: Optional[Date] = Field(None, title="Mise à jour le",
                                       description="Date de la dernière mise à jour (AAAA-MM-JJ).")
    sources: list[Id] = Field(min_length=1, title="Sources",
                              description="Identifiants de catalogue/sources.yml d'où viennent les faits.")

    @field_validator("updated")
    @classmethod
    def _updated_after_published(cls, value, info):
        published = info.data.get("published")
        if value is not None and published is not None and value < published:
            raise PydanticCustomError("updated_before_published",
                                      "la mise à jour ({updated}) précède la publication ({published})",
                                      {"updated": value.isoformat(), "published": published.isoformat()})
        return value


class Community(Record):
    """Un réseau ou une communauté d'agents publics (facilitateurs, coachs, designers…)."""

    model_config = ConfigDict(title="Communauté")
    organisation: Id = Field(title="Organisation qui l'anime",
                             description="Identifiant de catalogue/organisations.yml.")
    animator: Optional[Text] = Field(None, title="Équipe d'animation",
                                     description="Équipe ou rôle qui anime, jamais une personne.")
    members: list[Figure] = Field(default_factory=list, title="Nombre de membres",
                                  description="Un chiffre par source : quand les sources divergent, gardez-les tous.")
    founded: Optional[Annotated[int, Field(ge=1900, le=2100)]] = Field(
        None, title="Année de création", description="Année sur quatre chiffres, par exemple 2019.")
    scope: Optional[Scope] = Field(None, title="Périmètre", description="Administrations dont viennent ses membres.")
    location: Optional[Text] = Field(None, title="Lieu", description="Par exemple « France » ou « Paris ».")
    audience: list[Audience] = Field(default_factory=list, title="Public",
                                     description="À qui elle s'adresse ; plusieurs valeurs possibles.")
    activities: list[Activity] = Field(default_factory=list, title="Activités")
    join: Optional[Markdown] = Field(None, title="Comment rejoindre")
    contact: Optional[Contact] = Field(None, title="Contact")
    url: Optional[Url] = Field(None, title="Site web")


class Training(Record):
    """Une formation proposée aux agents publics."""

    model_config = ConfigDict(title="Formation")
    format: Optional[Format] = Field(None, title="Format", description="Comment elle se déroule.")
    duration: Optional[Text] = Field(None, title="Durée", description="Par exemple « 6 jours ».")
    audience: list[Audience] = Field(default_factory=list, title="Public",
                                     description="À qui elle s'adresse ; plusieurs valeurs possibles.")
    level: Optional[Level] = Field(None, title="Type de formation", description="Ce qu'elle vise.")
    organisation: Optional[Id] = Field(None, title="Organisme de formation",
                                       description="Identifiant de catalogue/organisations.yml.")
    communities: list[Id] = Field(default_factory=list, title="Communautés liées",
                                  description="Communautés qui la proposent ou qu'elle forme.")
    sessions: list[Session] = Field(default_factory=list, title="Sessions")
    url: Optional[Url] = Field(None, title="Lien")
    cost: Optional[Text] = Field(None, title="Coût", description="Prix ou gratuité, en texte libre.")


class Tool(Record):
    """Un outil, un guide, un kit ou une collection d'outils."""

    model_config = ConfigDict(title="Outil")
    kind: ToolKind = Field(title="Nature", description="Ce qu'est l'outil.")
    collection: Optional[Id] = Field(None, title="Fait partie de",
                                     description="Identifiant de l'outil (collection) qui le contient.")
    publisher: Optional[Id] = Field(None, title="Éditeur",
                                    description="Identifiant de catalogue/organisations.yml.")
    communities: list[Id] = Field(default_factory=list, title="Communautés liées",
                                  description="Communautés qui le publient ou le diffusent.")
    audience: list[Audience] = Field(default_factory=list, title="Public",
                                     description="À qui il s'adresse ; plusieurs valeurs possibles.")
    format: Optional[Format] = Field(None, title="Format", description="Comment il s'utilise.")
    url: Optional[Url] = Field(None, title="Lien")


class Intervention(Record):
    """Une intervention menée par une communauté : séminaire, atelier, consultation…"""

    model_config = ConfigDict(title="Intervention")
    date: Optional[Date] = Field(None, title="Date", description="Date de début si elle est connue.")
    end_date: Optional[Date] = Field(None, title="Date de fin",
                                     description="Dernier jour, si elle a duré plusieurs jours (AAAA-MM-JJ).")
    period: Optional[Text] = Field(None, title="Période",
                                   description="Quand la date exacte n'est pas connue, par exemple « 2023-2025 ».")
    requested_by: list[Id] = Field(default_factory=list, title="Demandée par",
                                   description="Identifiants de catalogue/organisations.yml.")
    facilitated_by: list[Id] = Field(default_factory=list, title="Communautés qui l'ont animée",
                                     description="Identifiants de communautés du catalogue.")
    organisations: list[Id] = Field(default_factory=list, title="Organisations qui l'ont animée",
                                    description="Équipes animatrices qui ne sont pas une communauté du catalogue.")
    format: Optional[InterventionFormat] = Field(None, title="Format", description="Forme de l'intervention.")
    participants: list[Figure] = Field(default_factory=list, title="Participants")
    objectives: list[Text] = Field(default_factory=list, title="Objectifs",
                                   description="Un objectif par élément de la liste.")
    methods: list[Text] = Field(default_factory=list, title="Méthodes",
                                description="Méthodes d'animation employées, une par élément.")
    tools: list[Id] = Field(default_factory=list, title="Outils utilisés",
                            description="Identifiants d'outils du catalogue.")
    outcomes: list[Annotated[str, Field(min_length=1, max_length=1000)]] = Field(
        default_factory=list, title="Résultats", description="Ce qu'elle a produit, un résultat par élément.")
    location: Optional[Text] = Field(None, title="Lieu", description="Ville ou lieu, par exemple « Paris ».")
    url: Optional[Url] = Field(None, title="Lien")


class Theme(Strict):
    """Une thématique du campus."""

    model_config = ConfigDict(title="Thématique")
    id: Id
    title: Text = Field(title="Nom", description="Nom de la thématique, tel qu'affiché.")
    description: Optional[Markdown] = Field(None, title="Description")


class Organisation(Strict):
    """Une administration qui anime un réseau ou demande une intervention."""

    model_config = ConfigDict(title="Organisation")
    id: Id
    name: Text = Field(title="Nom", description="Nom complet de l'administration.")
    acronym: Optional[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        None, title="Sigle", description="Par exemple « DITP ».")
    kind: Optional[OrganisationKind] = Field(None, title="Nature", description="Type d'administration.")
    parent: Optional[Id] = Field(None, title="Rattachée à", description="Identifiant d'une autre organisation.")
    url: Optional[Url] = Field(None, title="Site web")


class Source(Strict):
    """Un document source d'où viennent les faits du catalogue."""

    model_config = ConfigDict(title="Source")
    id: Id
    title: Text = Field(title="Titre", description="Titre du document.")
    publisher: Text = Field(title="Éditeur", description="Qui publie le document.")
    date: Optional[Date] = Field(None, title="Publié le")
    updated: Optional[Date] = Field(None, title="Mis à jour le")
    url: Optional[Url] = Field(None, title="Adresse")
    note: Optional[Annotated[str, Field(min_length=1, max_length=1000)]] = Field(
        None, title="Remarque", description="Précision sur le document ou sur son usage.")


class RecordType:
    """How one record type is stored and published."""

    def __init__(self, name: str, model: type[Record], folder: str, section: str,
                 label: str, plural: str):
        self.name, self.model, self.folder = name, model, folder
        self.section, self.label, self.plural = section, label, plural


RECORD_TYPES: dict[str, RecordType] = {
    t.name: t for t in (
        RecordType("community", Community, "communities", "communautes", "Communauté", "Communautés"),
        RecordType("training", Training, "trainings", "formations", "Formation", "Formations"),
        RecordType("tool", Tool, "tools", "outils", "Outil", "Outils"),
        RecordType("intervention", Intervention, "interventions", "interventions",
                   "Intervention", "Interventions"),
    )
}

# Reference lists: file name -> (model, French label).
REFERENCE_LISTS = {
    "themes": (Theme, "thématique"),
    "organisations": (Organisation, "organisation"),
    "sources": (Source, "source"),
}
