"""argparse speaking French: usage, help headings and every usage error of the `campus` commands.

argparse builds its messages in English (its gettext catalogue has no French here); this parser
rewrites the ones a user can meet, by pattern, and says « utilisation » for « usage ». A message
no pattern knows is kept as it is, after « erreur : ».
"""

from __future__ import annotations

import argparse
import re
import sys

from ..catalogue import records as r


def _names(text: str) -> str:
    return ", ".join(f"« {name.strip()} »" for name in text.split(",") if name.strip())


def _choices(text: str) -> str:
    return ", ".join(re.findall(r"'([^']*)'", text)) or text


# (English pattern of argparse, French message); the first that matches wins.
_MESSAGES: list[tuple[str, object]] = [
    (r"the following arguments are required: (.+)",
     lambda m: f"argument{'s' if ',' in m[1] else ''} obligatoire{'s' if ',' in m[1] else ''} manquant"
               f"{'s' if ',' in m[1] else ''} : {_names(m[1])}"),
    (r"argument COMMANDE: invalid choice: '([^']*)' \(choose from (.+)\)",
     lambda m: f"commande « {m[1]} » inconnue (commandes : {_choices(m[2])})"),
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.+)\)",
     lambda m: f"valeur « {m[2]} » inconnue pour {m[1]} (valeurs possibles : {_choices(m[3])})"),
    (r"argument (\S+): invalid (\w+) value: '([^']*)'",
     lambda m: f"valeur « {m[3]} » invalide pour {m[1]} ({ {'float': 'un nombre', 'int': 'un nombre entier'}.get(m[2], m[2]) } attendu)"),
    (r"argument (\S+): expected one argument", lambda m: f"{m[1]} attend une valeur"),
    (r"argument (\S+): expected at least one argument", lambda m: f"{m[1]} attend au moins une valeur"),
    (r"argument (\S+): ignored explicit argument '([^']*)'",
     lambda m: f"{m[1]} ne prend pas de valeur (« {m[2]} » en trop)"),
    (r"argument (\S+): (.+)", lambda m: f"{m[1]} : {m[2]}"),  # our own type= messages, already French
    (r"unrecognized arguments: (.+)",
     lambda m: f"argument{'s' if ' ' in m[1] else ''} inconnu{'s' if ' ' in m[1] else ''} : {m[1]}"),
    (r"ambiguous option: (\S+) could match (.+)",
     lambda m: f"option ambiguë {m[1]} : peut être {m[2]}"),
]


def french(message: str) -> str:
    for pattern, make in _MESSAGES:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            return make(found)
    return message


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, help and errors are in French (its subparsers too)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="afficher cette aide")

    def format_usage(self) -> str:
        return re.sub(r"^usage: ", "utilisation : ", super().format_usage())

    def format_help(self) -> str:
        return re.sub(r"^usage: ", "utilisation : ", super().format_help())

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {french(message)}\n")


def record_type(value: str) -> str:
    """A record type by its name (`training`) or its French label (`formation`), for `campus new`."""
    by_label = {t.label.lower(): name for name, t in r.RECORD_TYPES.items()}
    found = value if value in r.RECORD_TYPES else by_label.get(value.lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"type de fiche inconnu « {value} » (types possibles : {TYPES_HELP})")
    return found


TYPES_HELP = ", ".join(f"{name} ({t.label.lower()})" if t.label.lower() != name else name
                       for name, t in sorted(r.RECORD_TYPES.items()))
