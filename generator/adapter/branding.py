"""The site's look from configuration: the packaged theme, and the network's name, logo and colour.

The plugin (plugin.py) calls `use_packaged_theme` and `apply` in `on_config` and adds
`stylesheet` to the site's files; nothing here reads the repository: the theme comes from the
installed package (resources.py).
"""

from __future__ import annotations

import math
import os
import re

from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from ..outputs.resources import theme_dir

BRAND_CSS = "assets/campus-marque.css"
# What every campus page needs, from the packaged theme: the plugin adds them itself (as Material's
# plugins add theirs), so no mkdocs.yml can forget them; the site's own extra_css comes after ours.
OWN_CSS = ("assets/campus.css",)
OWN_JAVASCRIPT = ("assets/campus-a11y.js",)
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text: white text on the primary colour, links on white
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def use_packaged_theme(config) -> None:
    """Put the Campus theme right after the site's own `custom_dir` (which can still override it)."""
    packaged = os.path.realpath(theme_dir())
    dirs = config.theme.dirs
    if any(os.path.realpath(d) == packaged for d in dirs):
        return
    dirs.insert(1 if config.theme.custom_dir else 0, packaged)


# --- colour ---------------------------------------------------------------------------------

def parse_colour(text: str) -> tuple[int, int, int]:
    """'#000091' or '#009' -> (0, 0, 145); ValueError otherwise."""
    if not isinstance(text, str) or not _HEX.match(text.strip()):
        raise ValueError(text)
    digits = text.strip()[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.1 relative luminance."""
    def channel(value: int) -> float:
        s = value / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(rgb: tuple[int, int, int]) -> float:
    return 1.05 / (relative_luminance(rgb) + 0.05)


def _french_number(value: float) -> str:
    """Rounded down to two decimals, so a refused ratio never reads as the minimum (4.499 -> 4,49)."""
    return f"{math.floor(value * 100) / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")


class PrimaryColour(c.Type):
    """A '#rrggbb' colour on which white text (the header) and which as text on white (links) meet
    AA contrast; anything else is refused with a message saying why and what to do."""

    def __init__(self, **kwargs):
        super().__init__(str, **kwargs)

    def run_validation(self, value):
        value = super().run_validation(value)
        if value is None:
            return value
        try:
            rgb = parse_colour(value)
        except ValueError:
            raise ValidationError(f"couleur « {value} » illisible : écrivez-la en hexadécimal, par exemple \"#000091\"")
        ratio = contrast_with_white(rgb)
        if ratio < MIN_CONTRAST:
            raise ValidationError(
                f"couleur « {value} » refusée : son contraste avec le texte blanc est de {_french_number(ratio)}:1, "
                f"il faut au moins {_french_number(MIN_CONTRAST)}:1 (RGAA, niveau AA) ; choisissez une couleur plus foncée")
        return "#" + "".join(f"{v:02x}" for v in rgb)


def _darker(rgb: tuple[int, int, int], factor: float = 0.8) -> str:
    return "#" + "".join(f"{round(v * factor):02x}" for v in rgb)


def stylesheet(primary: str) -> str:
    """The brand stylesheet: Material's primary colour variables (header, links, focus) set to `primary`."""
    rgb = parse_colour(primary)
    return (":root {\n"
            f"  --md-primary-fg-color: {primary};\n"
            f"  --md-primary-fg-color--dark: {_darker(rgb)};\n"
            f"  --md-typeset-a-color: {primary};\n"
            "}\n")


# --- applying the options -------------------------------------------------------------------

def apply(config, options) -> None:
    """The plugin's branding options into MkDocs' configuration (name, header name, logo, colour)."""
    if options.name:
        config.site_name = options.name
    if options.short_name and options.short_name != config.site_name:
        config.extra["campus_short_name"] = options.short_name  # theme/main.html shows it in the header
    if options.logo:
        config.theme["logo"] = options.logo
    own_css = OWN_CSS + ((BRAND_CSS,) if options.primary_color else ())
    config.extra_css[:] = [*own_css, *(path for path in config.extra_css if path not in own_css)]
    config.extra_javascript[:] = [*OWN_JAVASCRIPT, *(script for script in config.extra_javascript
                                                     if str(script) not in OWN_JAVASCRIPT)]
