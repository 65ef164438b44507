"""Raw HTML blocks of generated pages, kept out of Python-Markdown's way.

Generated pages are mostly HTML blocks (cards, facts, lists) between a few Markdown headings.
Markdown copies such blocks verbatim, but only after Python's html.parser has read every tag
of them twice (MkDocs' anchor scan, then the raw-HTML block processor): at 10,000 records,
the largest single cost of a build. `protect` swaps each top-level HTML block for a
placeholder paragraph before conversion; `restore` puts the blocks back afterwards, so the
page comes out as Markdown would have made it, and `anchor_ids` gives MkDocs the ids the
blocks define (for its anchor checks).

A block is protected only when it is certainly raw HTML to Markdown: it starts a chunk
(after a blank line) with a block-level tag, every line outside an element starts with one,
it carries no `markdown` attribute, and it ends, possibly several chunks later, where every
element it opened is closed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Block-level elements Python-Markdown treats as raw HTML (a subset: those our templates use
# and that always have a closing tag).
BLOCK_TAGS = frozenset({"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
                        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "nav",
                        "ol", "p", "section", "table", "ul"})
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>]")
_OPEN = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?(/?)>")
_CLOSE = re.compile(r"</[a-zA-Z]")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})
_TOKEN = "campus-raw-html-{}"  # then a nonce absent from the page, so no text of the page can pose as one
_ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")


@lru_cache(maxsize=1 << 16)  # templates repeat the same lines ("</li>", "<ul class=…>") on every page
def _balance(line: str) -> int:
    """Elements a line opens minus those it closes."""
    opened = sum(1 for name, slash in _OPEN.findall(line) if not slash and name.lower() not in _VOID)
    return opened - len(_CLOSE.findall(line))


def _html_group(chunks: list[str], i: int) -> int | None:
    """End (exclusive) of the raw HTML block starting at chunks[i], or None if it is not one.

    Every line outside an element must start with a block-level tag, and the block ends at
    the end of a chunk where every element is closed.
    """
    depth = 0
    for j in range(i, len(chunks)):
        chunk = chunks[j]
        if "markdown" in chunk:
            return None
        # The last chunk of a page ends with its final line break: no line of its own.
        for line in (chunk.rstrip("\n") if j == len(chunks) - 1 else chunk).split("\n"):
            if depth == 0:
                match = _START.match(line)
                if not match or match.group(1) not in BLOCK_TAGS:
                    return None
            depth += _balance(line)
            if depth < 0:
                return None
        if depth == 0:
            return j + 1 if chunk.rstrip().endswith(">") else None
    return None


class Blocks(list):
    """The protected blocks of one page, and the stem of their placeholders."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token


def protect(markdown: str) -> tuple[str, Blocks]:
    """The Markdown with each raw HTML block replaced by a placeholder, and the blocks."""
    chunks = markdown.split("\n\n")
    out: list[str] = []
    token = _token(markdown)
    blocks = Blocks(token)
    i = 0
    while i < len(chunks):
        end = _html_group(chunks, i) if chunks[i].startswith("<") else None
        if end is None:
            out.append(chunks[i])
            i += 1
            continue
        out.append(f"{token}-{len(blocks)}")
        blocks.append("\n\n".join(chunks[i:end]).strip("\n"))
        i = end
    return "\n\n".join(out), blocks


def _token(markdown: str) -> str:
    """The placeholders' stem for this page: `campus-raw-html-<n>` for the first n whose stem the
    page does not contain (a record's text may hold `campus-raw-html-0` itself; the same page
    always gets the same stem, so builds stay byte-identical)."""
    nonce = 0
    while _TOKEN.format(nonce) in markdown:
        nonce += 1
    return _TOKEN.format(nonce)


def restore(html: str, blocks: Blocks) -> str:
    """The converted page with each of its placeholder paragraphs replaced by its block; any other
    text, even one shaped like a placeholder, is left as it is."""
    if not blocks:
        return html
    placeholder = re.compile(f"<p>{re.escape(blocks.token)}-(\\d+)</p>")

    def block(match: re.Match) -> str:
        index = int(match.group(1))
        return blocks[index] + "\n" if index < len(blocks) else match.group(0)

    # Markdown ends each raw block with a blank line, and strips the end of the page.
    return placeholder.sub(block, html).rstrip("\n")


def anchor_ids(blocks: list[str]) -> set[str]:
    """The ids the blocks define, which links elsewhere may point to."""
    return {a or b for block in blocks for a, b in _ID.findall(block)}
