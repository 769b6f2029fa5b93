"""The user-text renderer: Markdown features, XSS resistance, links, wiki links and robustness."""

from __future__ import annotations

import html
import re
import time
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from participation.core.markup import plain_excerpt, render_markdown, render_plain, stored_html_to_text

ALLOWED_ATTRS = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_TAGS = {
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
SAFE_HREF = re.compile(r"^(https?:|mailto:|/(?![/\\])|#)", re.IGNORECASE)
REL = "nofollow ugc noopener"


class _Collector(HTMLParser):
    """Record every start tag with its attributes, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(output: str) -> _Collector:
    collector = _Collector()
    collector.feed(str(output))
    collector.close()
    return collector


def tags(output: str, name: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(output).tags if tag == name]


def text(output: str) -> str:
    return "".join(parse(output).text)


def assert_safe(output: str) -> None:
    """Every tag and attribute is on the allowlist and every link target is harmless."""
    for raw in re.findall(r"<[^>]*>", str(output)):
        # Quoted values may hold harmless text such as a title; the href is checked below.
        assert not re.search(r"\bon\w+\s*=|style=|class=|\bid=", re.sub(r'"[^"]*"', '""', raw), re.I), raw
        assert not re.search(r"href=\"\s*(javascript|vbscript|data):", raw, re.I), raw
    for tag, attrs in parse(output).tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRS.get(tag, set()), (tag, attrs)
        if tag == "a":
            assert attrs.get("rel") == REL, attrs
            href = html.unescape(attrs.get("href") or "")
            assert SAFE_HREF.match(href), href
    lowered = str(output).lower()
    for forbidden in ("<script", "<svg", "<img", "<iframe", "<math", "<style", "<div", "<object", "<embed"):
        assert forbidden not in lowered


def resolver(title: str) -> tuple[str, bool]:
    return f"/wiki/{title.replace(' ', '_')}", title in {"Startseite", "Bebauungsplan Nord"}


# --- basic Markdown -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*kursiv*", "<em>kursiv</em>"),
        ("_kursiv_", "<em>kursiv</em>"),
        ("**fett**", "<strong>fett</strong>"),
        ("~~weg~~", "<del>weg</del>"),
        ("`a < b`", "<code>a &lt; b</code>"),
        ("- eins\n- zwei", "<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>"),
        ("1. eins\n2. zwei", "<ol>\n<li>eins</li>\n<li>zwei</li>\n</ol>"),
        ("3. drei\n4. vier", '<ol start="3">'),
        ("> Zitat", "<blockquote>\n<p>Zitat</p>\n</blockquote>"),
        ("```\nx = 1 < 2\n```", "<pre><code>x = 1 &lt; 2\n</code></pre>"),
        ("    eingerückt", "<pre><code>eingerückt\n</code></pre>"),
        ("a\n\n---\n\nb", "<hr>"),
        ("Zeile eins\nZeile zwei", "Zeile eins<br>\nZeile zwei"),
    ],
)
def test_basic_markdown(source: str, expected: str) -> None:
    output = render_markdown(source)
    assert expected in output
    assert_safe(output)


def test_fenced_code_language_and_attributes_are_dropped() -> None:
    output = render_markdown("```python\nprint('<b>')\n```\n\n``` { #x .y onclick=alert(1) }\nz\n```")
    assert "<pre><code>print('&lt;b&gt;')\n</code></pre>" in output
    assert "language-" not in output
    assert_safe(output)


def test_code_block_content_is_not_markdown() -> None:
    output = render_markdown("```\n*no* [x](https://a.example) https://b.example\n```")
    assert "<em>" not in output
    assert "<a " not in output
    assert "*no* [x](https://a.example) https://b.example" in output


def test_table_with_alignment() -> None:
    output = render_markdown("| Name | Stimmen | Mitte |\n|:-----|--------:|:-----:|\n| A | 3 | x |")
    assert tags(output, "table")
    assert [a["align"] for a in tags(output, "th")] == ["left", "right", "center"]
    assert [a["align"] for a in tags(output, "td")] == ["left", "right", "center"]
    assert "style" not in output
    assert_safe(output)


def heading_tags(output) -> list[str]:
    return re.findall(r"<(h[1-6])>", str(output))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # The first heading sits at top_level (h3 under the page's h1 and h2), whatever its "#" count.
        ("# Titel", ["h3"]),
        ("### Titel", ["h3"]),
        ("###### Titel", ["h3"]),
        ("Titel\n=====", ["h3"]),
        ("Titel\n-----", ["h3"]),
        # Going down never skips a level; siblings keep theirs; going up returns to the parent's.
        ("# A\n\n### B", ["h3", "h4"]),
        ("# A\n\n### B\n\n### C\n\n## D", ["h3", "h4", "h4", "h4"]),
        ("## A\n\n#### B\n\n# C\n\n## D", ["h3", "h4", "h3", "h4"]),
        ("> ## Zitat\n\n### Danach", ["h3", "h4"]),
        # Deeper than h6 does not exist.
        ("# 1\n## 2\n### 3\n#### 4\n##### 5", ["h3", "h4", "h5", "h6", "h6"]),
    ],
)
def test_headings_follow_the_pages_outline(source: str, expected: list[str]) -> None:
    assert heading_tags(render_markdown(source)) == expected


def test_admin_pages_start_their_sections_at_h2() -> None:
    assert heading_tags(render_markdown("### Anbieter\n\n#### Adresse", top_level=2)) == ["h2", "h3"]


# --- XSS ----------------------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java\nscript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](//evil.example/)",
    "[x](/\\evil.example/)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "![x](https://evil.example/t.png)",
    '# Title {: onclick="alert(1)" }',
    "[x](https://a.example){: onmouseover=alert(1)}",
    '<div style="x">text</div>',
    '<iframe src="https://evil.example"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '[x](https://a.example "a\\" onmouseover=\\"alert(1)")',
    "[x](https://a.example 'a' onmouseover='alert(1)')",
    "[x][1]\n\n[1]: javascript:alert(1)",
    '[x][1]\n\n[1]: <javascript:alert(1)> "t"',
    "[javascript:alert(1)]\n\n[javascript:alert(1)]: javascript:alert(1)",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "<!-- <script>alert(1)</script> -->",
    "<style>body{}</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "[<img src=x onerror=alert(1)>](https://a.example)",
    '[x](https://a.example"onmouseover="alert(1))',
    'https://a.example/"onmouseover="alert(1)',
    "[[javascript:alert(1)]]",
    "<p onclick=alert(1)>x</p>",
    "\x02wzxhzdk:0\x03",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(payload: str) -> None:
    output = render_markdown(payload, wiki_link_resolver=resolver)
    assert_safe(output)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<div style="x">text</div>',
    ],
)
def test_raw_html_is_shown_as_text(payload: str) -> None:
    output = render_markdown(payload)
    assert output == f"<p>{html.escape(payload, quote=False)}</p>"
    assert text(output) == payload


@pytest.mark.parametrize(
    "payload",
    [
        "[x](javascript:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "[x][1]\n\n[1]: javascript:alert(1)",
        "[x](ftp://files.example/a)",
        "[x](seite)",
    ],
)
def test_disallowed_link_keeps_only_its_text(payload: str) -> None:
    assert render_markdown(payload) == "<p>x</p>"


# Scheme tricks: case, character references, percent-encoding, named entities, whitespace inside the
# scheme, vbscript. Each must come out as plain text: no <a>, nothing a browser would follow.
INACTIVE_LINK_PAYLOADS = {
    "data-mixed-case": "[x](DaTa:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-decimal-reference": "[x](&#100;ata:text/html,<script>alert(1)</script>)",
    "data-hex-reference": "[x](&#x64;ata:text/html,x)",
    "data-percent": "[x](%64ata:text/html,x)",
    "data-named-colon": "[x](data&colon;text/html,x)",
    "data-tab-inside": "[x](<da\tta:text/html,x>)",
    "data-reference-definition": "[x][1]\n\n[1]: &#100;ata:text/html,x",
    "javascript-named-colon": "[x](javascript&colon;alert(1))",
    "javascript-decimal-colon": "[x](javascript&#58;alert(1))",
    "javascript-hex-j": "[x](&#x6A;avascript:alert(1))",
    "javascript-padded-reference": "[x](&#0000106;avascript:alert(1))",
    "javascript-tab-reference": "[x](jav&#x09;ascript:alert(1))",
    "javascript-named-tab": "[x](javascript&Tab;:alert(1))",
    "javascript-tab-inside": "[x](java\tscript:alert(1))",
    "javascript-newline-inside": "[x](<java\nscript:alert(1)>)",
    "javascript-newline-plain": "[x](java\nscript:alert(1))",
    "vbscript": "[x](vbscript:msgbox(1))",
    "vbscript-mixed-case": "[x](VbScRiPt:msgbox(1))",
    "vbscript-reference-definition": "[x][v]\n\n[v]: vbscript:msgbox(1)",
    "data-autolink": "<DaTa:text/html,x>",
    "vbscript-autolink": "<vbscript:msgbox(1)>",
    "data-raw-anchor": '<a href="&#100;ata:text/html,x">x</a>',
}


@pytest.mark.parametrize("payload", INACTIVE_LINK_PAYLOADS.values(), ids=INACTIVE_LINK_PAYLOADS.keys())
def test_scheme_tricks_leave_no_active_link(payload: str) -> None:
    output = render_markdown(payload, wiki_link_resolver=resolver)
    assert_safe(output)
    assert tags(output, "a") == [], output
    assert not re.search(r"<a[\s>]|\shref\s*=", re.sub(r"&lt;.*?&gt;", "", str(output)), re.I), output


def test_image_becomes_link_to_source() -> None:
    output = render_markdown('![Lageplan](https://evil.example/t.png "Plan")')
    assert not tags(output, "img")
    assert tags(output, "a") == [{"href": "https://evil.example/t.png", "title": "Plan", "rel": REL}]
    assert text(output) == "Lageplan"


def test_image_without_alt_uses_source_as_text() -> None:
    output = render_markdown("![](https://a.example/t.png)")
    assert text(output) == "https://a.example/t.png"
    assert_safe(output)


def test_image_inside_link_becomes_its_text() -> None:
    output = render_markdown("[![Logo](https://a.example/l.png)](https://b.example)")
    assert tags(output, "a") == [{"href": "https://b.example", "rel": REL}]
    assert text(output) == "Logo"


def test_link_title_cannot_break_out() -> None:
    output = render_markdown('[x](https://a.example "a\\" onmouseover=\\"alert(1)")')
    (link,) = tags(output, "a")
    assert set(link) == {"href", "title", "rel"}
    assert link["href"] == "https://a.example"
    assert "onmouseover" in (link["title"] or "")


# --- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[x](https://a.example/pfad?a=1&b=2)", "https://a.example/pfad?a=1&b=2"),
        ("[x](http://a.example)", "http://a.example"),
        ("[x](HTTPS://a.example)", "HTTPS://a.example"),
        ("[x](mailto:rathaus@a.example)", "mailto:rathaus@a.example"),
        ("[x](/projekte/1)", "/projekte/1"),
        ("[x](#kommentar-3)", "#kommentar-3"),
        ("[x](<https://a.example/mit leer>)", "https://a.example/mit leer"),
        ("[x](https://de.wikipedia.org/wiki/Foo_(Bar))", "https://de.wikipedia.org/wiki/Foo_(Bar)"),
        ("[x][ref]\n\n[ref]: https://a.example/r", "https://a.example/r"),
        ("[x]\n\n[x]: /kurz", "/kurz"),
        ("<https://a.example/auto>", "https://a.example/auto"),
    ],
)
def test_allowed_links(source: str, href: str) -> None:
    output = render_markdown(source)
    (link,) = tags(output, "a")
    assert link == {"href": href, "rel": REL}
    assert_safe(output)


def test_automail_link_is_kept() -> None:
    output = render_markdown("<rathaus@a.example>")
    (link,) = tags(output, "a")
    assert link["href"] == "mailto:rathaus@a.example"
    assert link["rel"] == REL
    assert text(output) == "rathaus@a.example"


def test_every_link_carries_rel() -> None:
    source = (
        '[a](https://a.example) [b](http://b.example "T") <https://c.example> <d@d.example> '
        "https://e.example [f](/f) ![g](https://g.example/g.png) [h][h]\n\n[h]: https://h.example"
    )
    output = render_markdown(source)
    anchors = re.findall(r"<a\b[^>]*>", output)
    assert len(anchors) == 8
    for anchor in anchors:
        assert re.search(r'\srel="nofollow ugc noopener"', anchor), anchor
        assert len(re.findall(r"\srel=", anchor)) == 1
    assert_safe(output)


@pytest.mark.parametrize(
    ("source", "url", "after"),
    [
        ("Siehe https://a.example/x", "https://a.example/x", ""),
        ("Siehe https://a.example/x.", "https://a.example/x", "."),
        ("Siehe https://a.example/x, danke", "https://a.example/x", ", danke"),
        ("(siehe https://a.example/x)", "https://a.example/x", ")"),
        ("(https://de.wikipedia.org/wiki/Foo_(Bar))", "https://de.wikipedia.org/wiki/Foo_(Bar)", ")"),
        ("http://a.example/a_b_c?x=1&y=2", "http://a.example/a_b_c?x=1&y=2", ""),
        ("https://a.example/__init__.py", "https://a.example/__init__.py", ""),
        ("https://a.example/a*b*c", "https://a.example/a*b*c", ""),
        ("**https://a.example/fett**", "https://a.example/fett", ""),
    ],
)
def test_bare_url_becomes_link(source: str, url: str, after: str) -> None:
    output = render_markdown(source)
    (link,) = tags(output, "a")
    assert link == {"href": url, "rel": REL}
    assert f">{html.escape(url, quote=False)}</a>{html.escape(after, quote=False)}" in output


@pytest.mark.parametrize(
    "source",
    [
        "`https://a.example/x`",
        "```\nhttps://a.example/x\n```",
        "    https://a.example/x",
        "https://",
        "xhttps://a.example",
        "ftp://a.example/x",
    ],
)
def test_bare_url_not_linked(source: str) -> None:
    output = render_markdown(source)
    assert not tags(output, "a")
    assert "a.example" in output or "https://" in output


def test_url_inside_link_text_is_not_nested() -> None:
    output = render_markdown("[https://a.example](https://b.example) <https://c.example>")
    assert [a["href"] for a in tags(output, "a")] == ["https://b.example", "https://c.example"]
    assert "<a" not in re.sub(r"<a\b[^>]*>[^<]*</a>", "", output)


# --- wiki links ---------------------------------------------------------------------------------


def test_wiki_link_to_existing_page() -> None:
    output = render_markdown("Siehe [[Startseite]].", wiki_link_resolver=resolver)
    assert output == '<p>Siehe <a href="/wiki/Startseite" rel="nofollow ugc noopener">Startseite</a>.</p>'


def test_wiki_link_with_label() -> None:
    output = render_markdown("[[Bebauungsplan Nord|den Plan]]", wiki_link_resolver=resolver)
    assert tags(output, "a") == [{"href": "/wiki/Bebauungsplan_Nord", "rel": REL}]
    assert text(output) == "den Plan"


@pytest.mark.parametrize(
    ("source", "label"), [("[[Neue Seite]]", "Neue Seite"), ("[[Neue Seite|hier]]", "hier")]
)
def test_wiki_link_to_missing_page(source: str, label: str) -> None:
    output = render_markdown(source, wiki_link_resolver=resolver)
    assert tags(output, "a") == [{"href": "/wiki/Neue_Seite", "title": "Seite anlegen", "rel": REL}]
    assert text(output) == label
    assert "class=" not in output


def test_wiki_link_resolver_gets_stripped_title() -> None:
    seen: list[str] = []

    def recording_resolver(title: str) -> tuple[str, bool]:
        seen.append(title)
        return "/w", True

    output = render_markdown("[[ Startseite | Text ]] [[]] [[ ]]", wiki_link_resolver=recording_resolver)
    assert seen == ["Startseite"]
    assert text(output) == "Text [[]] [[ ]]"


def test_wiki_link_with_unsafe_href_from_resolver_is_dropped() -> None:
    output = render_markdown("[[Seite]]", wiki_link_resolver=lambda t: ("javascript:alert(1)", True))
    assert output == "<p>Seite</p>"


def test_wiki_link_markup_escaped_in_text() -> None:
    output = render_markdown("[[<b>Seite</b>]]", wiki_link_resolver=lambda t: ("/w", True))
    assert text(output) == "<b>Seite</b>"
    assert_safe(output)


@pytest.mark.parametrize("source", ["[[Startseite]]", "[[Startseite|Text]]"])
def test_wiki_links_stay_literal_without_resolver(source: str) -> None:
    output = render_markdown(source)
    assert output == f"<p>{source}</p>"


def test_wiki_link_in_code_is_literal() -> None:
    output = render_markdown("`[[Startseite]]`", wiki_link_resolver=resolver)
    assert output == "<p><code>[[Startseite]]</code></p>"


# --- render_plain -------------------------------------------------------------------------------


def test_render_plain_strips_tags_and_unescapes() -> None:
    source = (
        "# Titel\n\nText mit *Betonung*, [Link](https://a.example) & <script>x</script>\n\n- eins\n- zwei"
    )
    plain = render_plain(source)
    assert type(plain) is str
    assert "<" not in plain.replace("<script>x</script>", "")
    assert "&amp;" not in plain
    # bleach ends every stripped block element with a newline; runs are collapsed to one blank line.
    assert plain == "Titel\n\nText mit Betonung, Link & <script>x</script>\n\neins\n\nzwei"


def test_render_plain_shows_wiki_label() -> None:
    assert render_plain("Siehe [[Startseite|die Startseite]].") == "Siehe die Startseite."


@pytest.mark.parametrize("source", ["", "   ", "\n\n\n", "\x00"])
def test_render_plain_empty(source: str) -> None:
    assert render_plain(source) == ""


# --- robustness ---------------------------------------------------------------------------------


def test_returns_markup() -> None:
    output = render_markdown("x")
    assert isinstance(output, Markup)
    assert output == "<p>x</p>"
    assert Markup("{}").format(output) == "<p>x</p>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a\x00b", "<p>ab</p>"),
        ("a\x01\x02\x03\x07\x08\x0b\x0c\x1b\x1f\x7fb", "<p>ab</p>"),
        ("a\r\nb", "<p>a<br>\nb</p>"),
        ("a\rb", "<p>a<br>\nb</p>"),
        ("a\tb", "<p>a   b</p>"),  # Markdown expands tabs to its 4-column stops
        ("a\ud800b", "<p>ab</p>"),
        ("", ""),
    ],
)
def test_control_characters(source: str, expected: str) -> None:
    assert render_markdown(source) == expected


def test_one_megabyte_input() -> None:
    paragraph = "Bürgerbeteiligung *wichtig* https://a.example/x [Link](/p) `code` <b>&\n"
    source = (paragraph * 3 + "\n") * (1_000_000 // (len(paragraph) * 3 + 1))
    assert len(source) > 990_000
    output = render_markdown(source)
    assert output.count("<p>") == source.count("\n\n")
    assert output.count('rel="nofollow ugc noopener"') == 6 * source.count("\n\n")
    assert "<b>" not in output


@pytest.mark.parametrize(
    "unit",
    [
        "[",
        "[[",
        "![",
        "[a](",
        '[a]("x)',
        "[[]",
        "[a]([a](b)",
        "<",
        "*a",
        "_a",
        "`",
        "&#",
        "~~a",
        "https://a.example/(",
    ],
)
def test_pathological_input_is_fast(unit: str) -> None:
    source = unit * (20_000 // len(unit))
    started = time.perf_counter()
    output = render_markdown(source, wiki_link_resolver=resolver)
    assert time.perf_counter() - started < 5  # Python-Markdown itself needs minutes for 20 kB of "["
    assert_safe(output)


@pytest.mark.parametrize(
    "source",
    [
        "- " * 3000 + "x",
        "1. " * 3000 + "x",
        "*" * 3000 + "a" + "*" * 3000,
        ">" * 5000 + " x",
        "".join("    " * i + "- x\n" for i in range(200)),
    ],
)
def test_deep_nesting_does_not_raise(source: str) -> None:
    output = render_markdown(source)
    assert output.startswith("<")
    assert_safe(output)
    assert "x" in text(output) or "a" in text(output)


@pytest.mark.parametrize(
    "source",
    [
        "\x00" * 1000,
        "\ufeff\u200b\u202e",
        "[]()",
        "[",
        "]",
        "![",
        "<",
        ">",
        "&",
        "&#0;",
        "&#xD800;",
        "|",
        "```",
        "\\",
    ],
)
def test_odd_inputs_render(source: str) -> None:
    output = render_markdown(source, wiki_link_resolver=resolver)
    assert isinstance(output, Markup)
    assert_safe(output)


def test_plain_excerpt_shows_text_not_markdown(app_ctx):
    """Lists and search hits show what the reader sees, not the Markdown source (#11: plain excerpts)."""
    source = (
        "# Öffnungszeiten\n\n| Tag | Uhrzeit |\n|---|---|\n| Montag | 8 Uhr |\n\nDas **Bürgerbüro** hilft."
    )
    text = plain_excerpt(source)
    assert text == "Öffnungszeiten Tag Uhrzeit Montag 8 Uhr Das Bürgerbüro hilft."
    assert not any(mark in text for mark in ("#", "|", "**", "<"))


def test_plain_excerpt_centres_on_the_term_and_cuts_at_word_boundaries(app_ctx):
    words = " ".join(f"Wort{number}" for number in range(60))
    text = plain_excerpt(words + " Brunnen " + words, "brunnen", context=30)
    assert "Brunnen" in text and text.startswith("…") and text.endswith("…")
    inner = text.strip("…").split(" ")
    # Every piece is a whole word of the source: nothing cut in half at either end.
    assert all(piece == "Brunnen" or piece.startswith("Wort") and piece[4:].isdigit() for piece in inner)
    assert plain_excerpt("kurz", "fehlt") == "kurz"


def test_stored_html_to_text_keeps_words_and_punctuation_together() -> None:
    """Search snippets: emphasis and links inside a sentence add no space; blocks still separate words."""
    html = str(render_markdown("Bitte große **Bäume**, keine [Kübel](https://x.org).\n\n- eins\n- zwei"))
    assert stored_html_to_text(html) == "Bitte große Bäume, keine Kübel. eins zwei"
