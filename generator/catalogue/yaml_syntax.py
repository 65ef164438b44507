"""PyYAML's syntax errors said in French, with a hint, at the line to correct.

PyYAML reports where it noticed the problem (`problem_mark`), often the line after the faulty one
(an unclosed quote at the end of the file, a missing colon on the next key); its `context_mark`
is where the construct it was reading began. Each rule below names the mark an editor should go
to. load.py calls `explain` for every `yaml.MarkedYAMLError`.
"""

from __future__ import annotations

import re

import yaml

PREFIX = "erreur de syntaxe YAML : "
GENERIC_HINT = "vérifiez l'indentation, les deux-points et les guillemets"

# (pattern on PyYAML's problem, pattern on its context or None, use the context's mark, message, hint);
# the first rule that matches wins; a message may use the problem's groups ({0}).
_RULES: list[tuple[str, str | None, bool, str, str]] = [
    (r"found unexpected end of stream", r"quoted scalar", True,
     "guillemet ouvert jamais fermé",
     "fermez-le à la fin de la valeur, sur la même ligne, ou retirez les guillemets"),
    (r"found unknown escape character '?(.)'?", None, False,
     "séquence « \\{0} » inconnue entre guillemets doubles",
     "écrivez \\\\ pour une barre oblique inverse, ou mettez la valeur entre guillemets simples"),
    (r"could not find expected ':'", None, True,
     "deux-points manquant après le nom du champ",
     "écrivez « champ: valeur », avec un espace après les deux-points"),
    (r"mapping values are not allowed here", None, False,
     "deux-points inattendu",
     "si la ligne est plus indentée que la précédente, alignez-la ; si la valeur contient « : », "
     "mettez-la entre guillemets"),
    (r"expected ',' or '\]'", None, True,
     "liste entre crochets non fermée ou mal séparée",
     "fermez « [ » par « ] » sur la même ligne et séparez les éléments par des virgules"),
    (r"expected ',' or '\}'", None, True,
     "accolade non fermée ou éléments mal séparés",
     "fermez « { » par « } » sur la même ligne et séparez les éléments par des virgules"),
    (r"found character '(.)' that cannot start any token", None, False,
     "caractère « {0} » interdit en début de valeur",
     "mettez la valeur entre guillemets"),
    (r".*", r"while scanning an? (?:alias|anchor)", True,
     "« * » ou « & » en début de valeur",
     "mettez la valeur entre guillemets"),
    (r".*", r"while scanning a block scalar", True,
     "bloc de texte « | » ou « > » mal écrit",
     "laissez « | » seul en fin de ligne, puis écrivez le texte sur les lignes suivantes, indenté"),
    (r"expected <block end>, but found '-'", None, False,
     "tiret de liste mal placé",
     "les éléments d'une liste vont sous leur champ, une ligne chacun : « - valeur », indentés de deux espaces"),
    (r"expected <block end>, but found '<scalar>'", None, False,
     "texte inattendu après la fin d'une valeur",
     "une valeur entre guillemets s'arrête au guillemet fermant : mettez-y tout le texte ; sinon vérifiez "
     "l'indentation"),
    (r"expected <block end>", None, False,
     "indentation incorrecte",
     "alignez les champs d'un même niveau sur la même colonne, avec des espaces"),
    (r"expected '<document start>'", None, False,
     "ligne inattendue avant les champs",
     "retirez la ligne qui commence par « % » ou « --- »"),
    (r"found unexpected end of stream|<stream end>", None, True,
     "élément ouvert jamais fermé",
     GENERIC_HINT),
]


def explain(exc: yaml.MarkedYAMLError) -> tuple[object | None, str, str]:
    """(mark to point at, French message, hint) for a PyYAML syntax error."""
    problem, context = exc.problem or "", exc.context or ""
    for problem_pattern, context_pattern, at_context, message, hint in _RULES:
        found = re.search(problem_pattern, problem)
        if found is None or (context_pattern and not re.search(context_pattern, context)):
            continue
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        return mark, PREFIX + message.format(*found.groups()), hint
    return exc.problem_mark or exc.context_mark, PREFIX + "syntaxe invalide", GENERIC_HINT
