"""Text from sources and annotations as the card and the datasheet print it: escaped for HTML (a Markdown
renderer passes <script> through) and for Markdown (a `[x](javascript:...)` in an annotation would become a
live link, a `|` in a site would split a table row). What this code writes itself is Markup and is printed
as it is."""
from __future__ import annotations

import html
import re

from markupsafe import Markup

# Markdown that text from sources and annotations could start anywhere in a line: code, emphasis, links and
# images ([x](javascript:...)), table cells (|), strikethrough, and the escape character itself
_MD_INLINE = re.compile(r"([\\`*\[\]|~])")
# an underscore emphasises only beside something that is not a letter or digit: `seo_spam` stays as it is
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# what makes a line a heading, a list item or a rule when the value starts it
_MD_LINE_START = re.compile(r"^([#+\-=]|[0-9]+[.)])(?= |$)")


def md_text(value: object) -> object:
    """Every value the template prints, escaped for HTML (a Markdown renderer passes <script>, <img onerror>
    through) and for Markdown (a `[x](javascript:...)` would become a live link, a `|` would split a table
    row, a newline would end it); Markup (what this code writes itself) is printed as it is."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    text = _MD_INLINE.sub(r"\\\1", html.escape(value, quote=False).replace("\n", "⏎"))
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    return _MD_LINE_START.sub(lambda m: m[1][:-1] + "\\" + m[1][-1], text)


def md_code(value: object) -> Markup:
    """A value shown as code (in running text or a list, not a table cell): a code span fenced by more
    backticks than it holds (backslashes do not escape inside one), HTML-escaped for a renderer that passes
    markup through."""
    text = html.escape(str(value), quote=False).replace("\n", "⏎")
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")
