"""Make HTML that a participant wrote, or that their code printed, inert in a browser.

Feedback pages show a participant's written answers and the outputs of their
code to a trainer, often inside JupyterLab where a script would act with the
trainer's rights. :func:`clean` keeps what a reader needs (text, headings,
lists, tables, code, emphasis, links, inline images) and removes everything
that runs, loads or submits: scripts, event handlers, ``javascript:`` and
``data:`` links, frames, objects, forms, ``<meta>``, ``<base>``, ``<style>``,
inline SVG and MathML, and CSS beyond a few harmless properties.

It is built on `nh3 <https://nh3.readthedocs.io>`_ (the Ammonia sanitiser), which
parses like a browser (html5ever), so markup that a looser parser reads one way
and a browser another ("mutation XSS") comes out as text.

>>> clean('<p onclick="x()">Bưởi <script>alert(1)</script><b>5★</b></p>')
'<p>Bưởi <b>5★</b></p>'
"""

from __future__ import annotations

import re

import nh3

# Image maps link out; nothing else in Ammonia's default list runs or loads.
TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map"}
# Dropped with their content: what is inside is code, a document of its own,
# or (svg, math) markup that a browser parses differently from HTML.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "textarea",
        "title",
        "svg",
        "math",
        "select",
    }
)
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border"},  # pandas writes border="1"
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
}
# Enough for coloured messages and aligned tables; nothing that positions,
# hides, overlays or loads (a fake score drawn over the real one, say).
STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "text-align",
        "font-weight",
        "font-style",
        "text-decoration",
        "vertical-align",
        "white-space",
    }
)
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})  # data: only for images, see _attribute
# Images only from the page itself: a remote src would tell a tracker who opened the feedback, and when.
_INLINE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)
# What a refused image shows instead: nothing (a transparent pixel), rather than a broken-image icon.
BLANK_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
# Old and odd CSS that can run or load code: expression(), url(), escapes, @import.
_RISKY_STYLE = re.compile(r"[\\(]|url|expression|javascript|@import|behavior|binding", re.IGNORECASE)


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep an attribute value, or return None to drop it (nh3's ``attribute_filter``)."""
    if name == "style" and _RISKY_STYLE.search(value):
        return None
    if tag == "img" and name == "src" and not _INLINE_IMAGE.match(value.strip()):
        return BLANK_IMAGE
    if name == "href" and value.strip().lower().startswith("data:"):
        return None  # a data: link opens a page of the participant's making
    return value


def clean(html) -> str:
    """Return ``html`` with everything that could run, load or submit removed.

    Parameters
    ----------
    html : str or bytes
        A fragment: a rendered Markdown cell, an HTML output, a trainer's comment.

    Returns
    -------
    str
        The fragment, safe to place in a page as it is.
    """
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html)
    return nh3.clean(
        text,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
