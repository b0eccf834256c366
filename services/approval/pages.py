"""Server-rendered HTML for the inbox and link pages: stdlib templates, escaped by default.

Templates live in ``templates/`` as :class:`string.Template` files. Every value
is HTML-escaped unless wrapped in :class:`Safe`, so ticket text, arguments and
names can never inject markup.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from string import Template

from fastapi.responses import HTMLResponse

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")


class Safe(str):
    """HTML that is already escaped (built by :func:`render` or from escaped parts)."""

    __slots__ = ()


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def render(name: str, **values: str) -> Safe:
    """The template filled in; plain strings are escaped, :class:`Safe` ones are not."""
    escaped = {k: v if isinstance(v, Safe) else html.escape(v) for k, v in values.items()}
    return Safe(_template(name).substitute(escaped))


def join(parts: list[Safe]) -> Safe:
    return Safe("".join(parts))


def page(title: str, body: Safe, *, user: str = "", status: int = 200) -> HTMLResponse:
    """A whole page in the shared layout; never cached (it shows live, private state)."""
    content = render("layout.html", title=title, body=body, user=user)
    return HTMLResponse(content, status_code=status, headers={"Cache-Control": "no-store"})
