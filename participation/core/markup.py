"""The one renderer for user-written text: Python-Markdown without raw HTML, then bleach.clean.

With raw HTML disabled every element is Markdown's own and can be checked in the tree; bleach then
enforces the allowlist again in case an extension or an upgrade emits something unexpected.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import unquote

import bleach
import markdown
from flask_babel import lazy_gettext as _l
from markdown import inlinepatterns, util
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor, SimpleTagInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

WikiLinkResolver = Callable[[str], tuple[str, bool]]
_Match = tuple[etree.Element | None, int | None, int | None]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        # h2 only from pages whose text an admin writes (top_level=2); user text stops at h3.
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"], "ol": ["start"]}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
MISSING_PAGE_TITLE = _l("Seite anlegen")

# Lone surrogates cannot be encoded; \x02/\x03 are Python-Markdown's placeholder delimiters.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Browsers drop ASCII tab/newline anywhere in a URL and trim C0 controls and spaces at its ends.
_URL_STRIP_RE = re.compile(r"[\x00-\x20\x7f]+")
_HEADING_RE = re.compile(r"^h([1-6])$")
# Possessive quantifiers (Python 3.11+) keep this linear: no backtracking on unclosed targets.
_LINK_TARGET_RE = re.compile(
    r"""\(\s*+(?:<([^<>\n]*+)>|((?:[^\s()]++|\([^\s()]*+\))*+))"""  # <target> or target with (one) level
    r"""(?:\s++("(?:[^"\\]|\\.)*+"|'(?:[^'\\]|\\.)*+'))?\s*+\)"""  # optional "title"
)
_BRACKET_RE = re.compile(r"[\[\]]")
_MAX_LINK_SCAN = 2048
_MAX_BRACKET_DEPTH = 8


def _is_allowed_url(url: str) -> bool:
    """Tell whether a link target is http(s), mailto or a path on this site."""
    # Decode what the browser would decode before judging the scheme; the automail
    # extension hides its href behind AMP_SUBSTITUTE entities until a postprocessor runs.
    decoded = html.unescape(url.replace(util.AMP_SUBSTITUTE, "&"))
    decoded = _URL_STRIP_RE.sub("", unquote(decoded)).lower()
    if not decoded:
        return False
    scheme = _SCHEME_RE.match(decoded)
    if scheme:
        return scheme.group(1) in ALLOWED_SCHEMES
    if decoded.startswith("#"):
        return True
    # "//host" and "/\host" are read by browsers as links to another host, not as paths.
    return decoded.startswith("/") and not decoded.startswith(("//", "/\\"))


def _unwrap(parent: etree.Element, index: int) -> None:
    """Replace the child at index by its text and children, keeping document order."""
    el = parent[index]
    children = list(el)
    tail = el.tail or ""
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
        tail = ""
    text = (el.text or "") + tail
    if index:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    del parent[index]
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


class _BoundedLinkScan(LinkInlineProcessor):
    """Link parsing that looks at most _MAX_LINK_SCAN characters ahead of each "[" or "("."""

    # Upstream scans to the end of the paragraph for every "[" (Python-Markdown #798): 10 kB of
    # "[" took minutes. Longer or deeper-nested link texts and targets are simply not links.
    # Mixed in before each upstream link class (all of them are LinkInlineProcessors).

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """Return the link text after the "[" ending at index, matching nested brackets."""
        depth = 1
        for m in _BRACKET_RE.finditer(data, index, index + _MAX_LINK_SCAN):
            depth += 1 if m.group() == "[" else -1
            if depth == 0:
                return data[index : m.start()], m.end(), True
            if depth > _MAX_BRACKET_DEPTH:
                break
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Return href and title of the "(target "title")" starting at index."""
        m = _LINK_TARGET_RE.match(data[index : index + _MAX_LINK_SCAN])
        if not m:
            return "", None, index, False
        href = self.unescape(m.group(1) if m.group(1) is not None else m.group(2)).strip()
        title = m.group(3)
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", self.unescape(title[1:-1].strip()))
        return href, title, index + m.end(), True


# Registry names and priorities of Python-Markdown's bracket-based link patterns (stable since 3.0).
_LINK_PATTERNS = {
    "reference": ("ReferenceInlineProcessor", "REFERENCE_RE", 170),
    "link": ("LinkInlineProcessor", "LINK_RE", 160),
    "image_link": ("ImageInlineProcessor", "IMAGE_LINK_RE", 150),
    "image_reference": ("ImageReferenceInlineProcessor", "IMAGE_REFERENCE_RE", 140),
    "short_reference": ("ShortReferenceInlineProcessor", "REFERENCE_RE", 130),
    "short_image_ref": ("ShortImageReferenceInlineProcessor", "IMAGE_REFERENCE_RE", 125),
}


class _BareUrlProcessor(InlineProcessor):
    """Turn a pasted http(s) URL in running text into a link."""

    # Link texts and autolinks are already links; nesting <a> would be invalid HTML.
    ANCESTOR_EXCLUDES = ("a",)
    _TRAILING = ".,:;!?'\"*_~]"

    # InlineProcessor itself changes Pattern.handleMatch's signature; its stub ignores that override too.
    def handleMatch(self, m: re.Match[str], data: str) -> _Match:  # type: ignore[override]
        """Link the URL, leaving trailing punctuation to the text."""
        url = m.group(1)
        # Sentence punctuation and an unbalanced closing parenthesis belong to the prose,
        # but keep the ")" of URLs like https://de.wikipedia.org/wiki/Foo_(Bar).
        while url and (url[-1] in self._TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
            url = url[:-1]
        if len(url) <= len(m.group(2)):
            return None, None, None
        el = etree.Element("a", {"href": url})
        el.text = util.AtomicString(url)
        return el, m.start(1), m.start(1) + len(url)


class _WikiLinkProcessor(InlineProcessor):
    """Turn [[Title]] and [[Title|Text]] into links via the caller's resolver."""

    def __init__(self, pattern: str, md: markdown.Markdown, resolver: WikiLinkResolver) -> None:
        super().__init__(pattern, md)
        self.resolver = resolver

    # InlineProcessor itself changes Pattern.handleMatch's signature; its stub ignores that override too.
    def handleMatch(self, m: re.Match[str], data: str) -> _Match:  # type: ignore[override]
        """Resolve the page title and build its link."""
        title = m.group(1).strip()
        if not title:
            return None, None, None
        href, exists = self.resolver(title)
        el = etree.Element("a", {"href": href})
        if not exists:
            el.set("title", str(MISSING_PAGE_TITLE))
        el.text = util.AtomicString((m.group(2) or "").strip() or title)
        return el, m.start(0), m.end(0)


class _OutlineTreeprocessor(Treeprocessor):
    """Fit the text's headings under the page's: first at top_level, never a level skipped going down.

    Authors write "###" for a small heading or start at "##"; what counts is the order of their
    levels. A heading deeper than the previous one goes exactly one level down, one as deep keeps
    the level, a shallower one returns to the level of the last heading at most as deep (WCAG 1.3.1,
    Lighthouse's heading order). h1 (and h2 on most pages) belong to the layout, so never above top_level.
    """

    def __init__(self, md: markdown.Markdown, top_level: int) -> None:
        super().__init__(md)
        self.top_level = top_level

    def run(self, root: etree.Element) -> None:
        """Renumber every heading in document order."""
        open_levels: list[tuple[int, int]] = []  # (level written, level rendered) of the enclosing headings
        for el in root.iter():
            heading = _HEADING_RE.match(el.tag) if isinstance(el.tag, str) else None
            if not heading:
                continue
            written = int(heading.group(1))
            while open_levels and open_levels[-1][0] > written:
                open_levels.pop()
            if not open_levels:
                rendered = self.top_level
            elif open_levels[-1][0] == written:
                rendered = open_levels.pop()[1]
            else:
                rendered = open_levels[-1][1] + 1
            open_levels.append((written, rendered))
            el.tag = f"h{min(rendered, 6)}"


class _SafeTreeprocessor(Treeprocessor):
    """Replace images by links, drop unsafe links and mark the rest as user content."""

    def run(self, parent: etree.Element, in_link: bool = False) -> None:
        """Sanitise the children of parent, recursively."""
        # Backwards, so unwrapping a child never shifts the indexes still to be visited.
        for index in range(len(parent) - 1, -1, -1):
            el = parent[index]
            if el.tag == "img":
                self._image_to_link(el)
            if el.tag != "a":
                self.run(el, in_link)
                continue
            self.run(el, in_link=True)
            href, title = el.get("href", ""), el.get("title")
            if in_link or not _is_allowed_url(href):
                _unwrap(parent, index)
                continue
            el.attrib.clear()
            el.set("href", href)
            if title:
                el.set("title", title)
            el.set("rel", LINK_REL)

    @staticmethod
    def _image_to_link(el: etree.Element) -> None:
        """Turn an img element into an a element pointing at the image."""
        # No images at all: they would load from other hosts and leak readers' IP addresses.
        src, alt, title, tail = el.get("src", ""), el.get("alt", ""), el.get("title", ""), el.tail
        el.clear()
        el.tag, el.text, el.tail = "a", alt or src, tail
        el.attrib.update(href=src, title=title)


def _build_markdown(top_level: int, wiki_link_resolver: WikiLinkResolver | None) -> markdown.Markdown:
    """Configure a Markdown instance without raw HTML and with this module's processors."""
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "nl2br"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Raw HTML would otherwise pass straight through; without it every element is Markdown's own.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name, (class_name, pattern_name, priority) in _LINK_PATTERNS.items():
        bounded = type(class_name, (_BoundedLinkScan, getattr(inlinepatterns, class_name)), {})
        md.inlinePatterns.register(bounded(getattr(inlinepatterns, pattern_name), md), name, priority)
    if wiki_link_resolver is not None:
        # Before "reference"/"link" so [[x]] is not read as a nested Markdown link.
        md.inlinePatterns.register(
            _WikiLinkProcessor(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]", md, wiki_link_resolver),
            "wikilink",
            175,
        )
    # After links and autolinks have consumed their URLs, before emphasis can eat "_" inside URLs.
    md.inlinePatterns.register(
        _BareUrlProcessor(r"(?i)(?<![\w/@])((https?://)[^\s<>\"`\x02\x03]+)", md), "bare_url", 115
    )
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(?=\S)(.+?)(?<=\S)~~", "del"), "del", 65)
    # Below "unescape" (0) so backslash-escape placeholders in hrefs are already resolved.
    md.treeprocessors.register(_OutlineTreeprocessor(md, top_level), "outline", -5)
    md.treeprocessors.register(_SafeTreeprocessor(md), "safe", -10)
    return md


def render_markdown(
    source: str,
    *,
    top_level: int = 3,
    wiki_link_resolver: WikiLinkResolver | None = None,
) -> Markup:
    """Render user Markdown to sanitised HTML that is safe to insert into a page.

    The text's first heading becomes `top_level` and the rest follow without skipping a level:
    comments and wiki pages sit under the page's h1 and h2; legal pages (top_level=2) start at h2.
    """
    source = _CONTROL_RE.sub("", source.replace("\r\n", "\n").replace("\r", "\n"))
    try:
        # A fresh instance per call: Markdown objects keep state and are not thread-safe.
        rendered = _build_markdown(top_level, wiki_link_resolver).convert(source)
    except RecursionError:
        # Python-Markdown recurses per nesting level (thousands of "- " or "*"); show the text instead.
        rendered = "<p>" + str(escape(source)).replace("\n", "<br>\n") + "</p>"
    cleaned = bleach.clean(
        rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_SCHEMES, strip=True
    )
    return Markup(cleaned)


def render_plain(source: str) -> str:
    """Render user Markdown to plain text (no tags) for previews, excerpts and e-mail."""
    # A dummy resolver so "[[Page|label]]" reads as "label" rather than as markup.
    rendered = render_markdown(source, wiki_link_resolver=lambda title: ("#", True))
    text = html.unescape(bleach.clean(str(rendered), tags=set(), strip=True))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_excerpt(source: str, term: str = "", context: int = 90) -> str:
    """A plain-text piece of user Markdown for lists and search hits, cut at word boundaries.

    Markdown is rendered and stripped first, so "# Öffnungszeiten | Tag |" or "**fett**" never show
    as markup; the piece is centred on the first match of `term` (case-insensitive) when there is one.
    The result is text: templates escape it.
    """
    flat = " ".join(render_plain(source).split())
    index = flat.lower().find(term.lower()) if term else -1
    start, end = (0, 2 * context) if index < 0 else (index - context, index + len(term) + context)
    start, end = max(0, start), min(len(flat), end)
    if start > 0:
        # Move forward to the next word start, so no word is cut in half (never past the match).
        space = flat.find(" ", start, index if index >= 0 else end)
        start = space + 1 if space >= 0 else start
    if end < len(flat):
        space = flat.rfind(" ", max(start, index + len(term) if index >= 0 else start), end)
        end = space if space > 0 else end
    return ("…" if start > 0 else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


_TAG_RE = re.compile(r"<[^>]*>")


def stored_html_to_text(rendered: str) -> str:
    """Plain text of HTML that render_markdown made and the database stores (for the search index).

    Faster than render_plain for 100,000 comments: the HTML is already sanitized, so dropping its
    tags and unescaping entities gives the words; the result is text, escaped wherever it is shown.
    """
    # Inline tags (<strong>, <a>, <code> …) sit inside a sentence: dropped without a space, so
    # "**Bäume**, keine" stays "Bäume, keine"; block tags and line breaks separate words.
    return " ".join(html.unescape(_TAG_RE.sub(_tag_gap, rendered)).split())


_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "s", "strong", "sub", "sup"}
)


def _tag_gap(match: re.Match[str]) -> str:
    """Nothing for an inline tag, a space for every other (block) tag."""
    name = re.match(r"</?\s*([a-zA-Z0-9]+)", match.group())
    return "" if name and name.group(1).lower() in _INLINE_TAGS else " "
