"""Web pages (.html/.htm): the article only — navigation, breadcrumbs, sidebars, sharing links,
footers, forms, scripts and styles dropped — its headings and paragraphs kept, bold lead sentences as
`**…**`, `<sup>` footnote markers and the page's footnote list carried over.

The article is the element holding the most paragraph text that is not link text (government sites
put the report in a `div` among many others; few mark it up as `<article>`). Parsed with selectolax
(Lexbor, MIT), chosen by measurement over trafilatura (bench/readers.py, README "Readers"): trafilatura
also finds the article but drops the report's front matter lines and footnote markers.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.tables import html_table_sentences, stated_unit, table_sentences
from qa.readers.text import aligned_tables_as_sentences, before_end_mark, decode_text
from qa.text import chinese_count

#: Never part of the article.
_DROP = "script, style, noscript, template, iframe, svg, canvas, nav, header, footer, aside, form, button, select, input, textarea, object, embed"
#: Class or id words of page furniture.
_FURNITURE = re.compile(
    r"nav|menu|breadcrumb|crumb|position|location|footer|header|sidebar|side-bar|share|related|"
    r"comment|copyright|toolbar|topbar|top-bar|logo|search|banner|print|pager|pagination|link",
    re.IGNORECASE,
)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "main", "td",
           "blockquote", "pre", "center", "table", "tr", "tbody", "thead", "ul", "ol", "dl", "dd", "dt"}
_FOOTNOTE_LIST = re.compile(r"footnote|endnote|notes|zhushi|注释", re.IGNORECASE)
_NOTE_ID = re.compile(r"^(?:fn|ftn|footnote|note|endnote)[-_:]?(\d+)$", re.IGNORECASE)
#: A link to a footnote as Microsoft Word writes one when it saves a report as a web page
#: (`<a href="#_ftn3" name="_ftnref3"><span class=MsoFootnoteReference>[3]</span></a>`; the note is
#: `<div style='mso-element:footnote' id=ftn3>`): the marker, whatever the link shows.
_WORD_NOTE_LINK = re.compile(r"^#_?ftn(\d+)$", re.IGNORECASE)


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    return read_markup(path, _decode(path, data), limits)


def read_markup(path: Path, markup: str, limits: Limits) -> Decoded:
    """A page's article from its decoded markup (`read`, and a web archive's page: `qa.readers.mhtml`)."""
    from selectolax.lexbor import LexborHTMLParser

    page = LexborHTMLParser(_shadow_roots_opened(markup))
    tree = _embedded_article(page)
    footnotes = _footnotes(tree)
    glossary = _glossary_beside(tree)
    for node in tree.css(_DROP):
        node.decompose()
    for node in list(tree.css("[class], [id]")):
        marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("body", "html") and _FURNITURE.search(marks) and not _is_article_like(node):
            node.decompose()
    root = _article(tree)
    if root is None:
        raise IngestError(f"{path}: 网页中没有找到正文（可能全是脚本或导航，正文由脚本加载），请保存报告正文所在的页面，或另存为 PDF 后重试")
    lines = before_end_mark(_without_page_lines(_lines(root)))
    if not any(line.startswith("#") or _heading_like(line) for line in lines[:3]):
        title = _title(tree) or _page_title(page)
        if title and title not in lines[:3]:
            lines.insert(0, title)
    lines += _glossed_terms_used(glossary, lines)
    # a note the list numbers with a circled number (「①楼门议事会：指…」) is cited by that number in the text
    # (「<sup>①</sup>」 reads 「①」): a line of its own, as a report's 「①…」 notes are, not the list's 「<sup>1</sup>」
    lines += [note if _CIRCLED_MARKER.match(note) else f"<sup>{n}</sup> {note}" for n, note in footnotes]
    body = "\n".join(line for line in lines if line.strip())
    if len(re.sub(r"\s+", "", body)) < 20:
        raise IngestError(f"{path}: 网页中没有找到正文（可能全是脚本或导航），请保存报告正文所在的页面，或另存为 PDF 后重试")
    return Decoded(body, "html")


#: A template tag, opening or closing; group 1: "/" for a closing one. One that declares a shadow root
#: (`<template shadowrootmode="open">`, or `shadowroot` as Chrome first wrote it) is rendered in place.
_TEMPLATE_TAG = re.compile(r"<(/?)template\b([^>]*)>", re.IGNORECASE)
_SHADOW_ROOT = re.compile(r"\bshadowroot(?:mode)?\s*=", re.IGNORECASE)


def _shadow_roots_opened(markup: str) -> str:
    """`markup` with the template tags that declare a shadow root taken away, their content kept where it
    stands: a page of web components rendered on the server (Lit, Stencil) sets each component's content,
    the article's too, in `<template shadowrootmode="open">`, which a browser shows and a parser keeps inert
    (梧桐街道, round 44: refused as having no text). Other templates stay templates, not read."""
    if not _SHADOW_ROOT.search(markup):
        return markup
    pieces: list[str] = []
    declared: list[bool] = []  # for each template open here, whether it declares a shadow root
    last = 0
    for tag in _TEMPLATE_TAG.finditer(markup):
        pieces.append(markup[last : tag.start()])
        last = tag.end()
        if tag.group(1):
            if not (declared.pop() if declared else False):
                pieces.append(tag.group(0))
        else:
            declared.append(bool(_SHADOW_ROOT.search(tag.group(2))))
            if not declared[-1]:
                pieces.append(tag.group(0))
    pieces.append(markup[last:])
    return "".join(pieces)


def _embedded_article(tree):
    """The page, or the document its article is embedded as, whichever says more: a portal may set the
    article in an `<iframe srcdoc="…">` (a whole HTML document, escaped, in the attribute; 白泉街道, session
    35), and a page a single-page app serves may hold the article only in its scripts' state
    (`window.__NUXT__=…`, `<script id="__NEXT_DATA__">`: 枫岚街道, session 39), its markup no more than
    menus and a loading placeholder. Either had been refused as having no text."""
    from selectolax.lexbor import LexborHTMLParser

    def said(document) -> int:
        return chinese_count(document.body.text(separator=" ") if document is not None and document.body is not None else "")

    embedded = [LexborHTMLParser(frame.attributes.get("srcdoc") or "") for frame in tree.css("iframe[srcdoc]")]
    if (state := _script_state_article(tree)) is not None:
        embedded.append(LexborHTMLParser(state))
    best = max(embedded, key=said, default=None)
    if best is None:
        return tree
    shown = LexborHTMLParser(tree.html or "")
    shown.strip_tags(["script", "style", "template", "noscript"])
    return best if said(best) > said(shown) else tree


#: A string literal of a script, double- or single-quoted, escapes and all, long enough to be an article.
_JS_STRING = re.compile(r""""((?:[^"\\\n]|\\.){200,})"|'((?:[^'\\\n]|\\.){200,})'""")
#: An escape of a JavaScript string: \uXXXX, \u{XXXXX}, \xXX or a character after a backslash.
_JS_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(.))", re.DOTALL)
_JS_NAMED_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
#: A string that is markup: a paragraph, heading, division or table tag.
_MARKUP = re.compile(r"<(?:p|h[1-6]|div|section|table|br)\b", re.IGNORECASE)
#: Chinese characters a script's string must hold to be taken for an article rather than a label.
_STATE_ARTICLE_CHARS = 300


def _script_state_article(tree) -> str | None:
    """The article an app's state carries in an inline script, made a document; None when the state
    holds no article's worth of Chinese (`_STATE_ARTICLE_CHARS`). Two ways of carrying it:
    - a block editor's JSON (Editor.js and the like: 金塘乡, session 39), the article a list of blocks, each
      a heading, a paragraph, a list or a table, none of them long: the part of the state holding most of
      its Chinese (`_article_part`), each block written as the element it is (`_state_html`);
    - one string, as HTML (`"content":"\u003Cp\u003E…"`) or as plain text, one paragraph a line, in a state
      that need not be JSON (Nuxt's `window.__NUXT__=(function(a,b){…})` is JavaScript): the longest.
    The app's other strings (menus, related articles' summaries, metadata) say less and are not read."""
    scripts = [script.text(deep=True) or "" for script in tree.css("script") if not script.attributes.get("src")]
    for state in (data for text in scripts for data in _json_states(text)):
        part = _article_part(state)
        if part is not None and _chinese_in(part) > _STATE_ARTICLE_CHARS:
            return f"<html><body>{_state_html(part)}</body></html>"
    best, best_count = None, _STATE_ARTICLE_CHARS
    for text in scripts:
        for found in _JS_STRING.finditer(text):
            literal = _js_string(found.group(1) if found.group(1) is not None else found.group(2))
            if (count := chinese_count(literal)) > best_count:
                best, best_count = literal, count
    if best is None:
        return None
    if _MARKUP.search(best):
        return f"<html><body>{best}</body></html>"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in best.splitlines() if line.strip())
    return f"<html><body>{paragraphs}</body></html>"


#: Where a script assigns a JSON object or array (`window.__INITIAL_STATE__ = {…}`); how many are tried.
_ASSIGNED = re.compile(r"=\s*(?=[{\[])")
_MAX_STATES = 20
#: The share of a state's Chinese the part read as its article holds at least.
ARTICLE_SHARE = 0.6
#: A string that names a kind or a key, not text to read (「paragraph」「ordered」), or a link.
_IDENTIFIER = re.compile(r"^(?:[A-Za-z_\-]+|(?:https?:)?/\S*)$")


def _json_states(text: str) -> list:
    """The JSON values a script holds: the whole of a JSON script (`<script type="application/json">`), or
    what it assigns (`… = {…};`)."""
    decoder = json.JSONDecoder()
    states = []
    try:
        states.append(json.loads(text))
    except ValueError:
        for assigned in itertools.islice(_ASSIGNED.finditer(text), _MAX_STATES):
            try:
                states.append(decoder.raw_decode(text, assigned.end())[0])
            except ValueError:
                continue
    return [state for state in states if isinstance(state, dict | list)]


def _chinese_in(value) -> int:
    """The Chinese characters in a JSON value's strings."""
    if isinstance(value, str):
        return chinese_count(value)
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return sum(_chinese_in(child) for child in children)


def _article_part(state):
    """The smallest part of a JSON state holding `ARTICLE_SHARE` of its Chinese: going down from the whole
    into the one child that holds that much, while one does."""
    total = _chinese_in(state)
    part = state
    while isinstance(part, dict | list):
        children = part.values() if isinstance(part, dict) else part
        heavy = next((child for child in children if _chinese_in(child) >= ARTICLE_SHARE * total), None)
        if heavy is None:
            break
        part = heavy
    return part


def _state_html(value) -> str:
    """A part of an app's state written as the page would show it: a block typed as a heading (「"type":
    "header"」) a heading, a list of rows of cells a table, any other string a paragraph (its own markup
    kept); a kind's or a key's name and links are not text."""
    if isinstance(value, str):
        if _IDENTIFIER.match(value.strip()):
            return ""
        return value if _MARKUP.search(value) else "".join(f"<p>{line}</p>" for line in value.splitlines() if line.strip())
    if isinstance(value, list):
        if value and all(isinstance(row, list) and all(isinstance(cell, str) for cell in row) for row in value):
            rows = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in value)
            return f"<table>{rows}</table>"
        return "".join(_state_html(child) for child in value)
    if isinstance(value, dict):
        kind = str(value.get("type", "")).lower()
        data = value.get("data") if isinstance(value.get("data"), dict) else value
        if "head" in kind and isinstance(data.get("text"), str):
            level = data.get("level") if isinstance(data.get("level"), int) and 1 <= data.get("level") <= 6 else 2
            return f"<h{level}>{data['text']}</h{level}>"
        return "".join(_state_html(child) for child in value.values())
    return ""


def _js_string(body: str) -> str:
    """A string literal's value, its escapes undone (a surrogate pair written as two \\u escapes is
    one character)."""

    def undone(escape: re.Match) -> str:
        braced, four, two, other = escape.groups()
        if braced or four or two:
            return chr(int(braced or four or two, 16))
        return _JS_NAMED_ESCAPES.get(other, other if other not in "\r\n" else "")

    text = _JS_ESCAPE.sub(undone, body)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _glossary_beside(tree) -> list[tuple[str, str]]:
    """The (term, gloss) pairs of the definition lists in the page's furniture: a portal sets a box of
    hot words beside the report (「热词解读」, a `<dl>` in a sidebar) that explains the terms it uses."""
    pairs = []
    for dl in tree.css("dl"):
        furniture = any(
            _FURNITURE.search(f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}")
            for node in _ancestors(dl)
        )
        terms, glosses = dl.css("dt"), dl.css("dd")
        if furniture and len(terms) == len(glosses):
            pairs += [(t.text(strip=True).rstrip("：:"), d.text(strip=True)) for t, d in zip(terms, glosses, strict=True)]
    return pairs


def _ancestors(node):
    while (node := node.parent) is not None and node.tag not in ("body", "html"):
        yield node


def _glossed_terms_used(glossary: list[tuple[str, str]], lines: list[str]) -> list[str]:
    """The glossary as the report's own notes of terms would read (「名词解释」, then 「term：gloss」), when the
    report uses most of its terms — a term may be used in a name (「飞地园区」 in 「金温飞地产业园」) — and
    nothing when it does not: a sidebar of another page's words."""
    body = "\n".join(lines)
    entries = [(term, gloss) for term, gloss in glossary if term and gloss and gloss not in body]
    if 2 * sum(term in body for term, _ in entries) <= len(entries):
        return []
    return ["名词解释", *(f"{term}：{gloss}" for term, gloss in entries)]


def _decode(path: Path, data: bytes) -> str:
    head = data[:4096].decode("ascii", "ignore")
    declared = re.search(r"""charset\s*=\s*["']?([\w-]+)""", head, re.IGNORECASE)
    if declared:
        name = declared.group(1).lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb18030") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, path)


def _is_article_like(node) -> bool:
    """A container whose class/id names furniture but that holds most of the page's paragraphs."""
    return len(node.css("p")) >= 5


def _text_len(node) -> int:
    return len(re.sub(r"\s+", "", node.text(deep=True) or ""))


def _link_len(node) -> int:
    return sum(_text_len(a) for a in node.css("a"))


def _article(tree):
    """The element with the most paragraph text (its own p/h/br-separated text, less link text)."""
    body = tree.body
    if body is None:
        return None
    scores: dict[int, tuple[float, object]] = {}
    for paragraph in body.css("p, h1, h2, h3, h4, h5, h6, pre, blockquote, td, li"):
        parent = paragraph.parent
        if parent is None:
            continue
        length = _text_len(paragraph) - _link_len(paragraph)
        if length <= 0:
            continue
        for weight, node in ((1.0, parent), (0.5, parent.parent)):
            if node is None:
                continue
            key = node.mem_id
            previous = scores.get(key, (0.0, node))[0]
            scores[key] = (previous + weight * length, node)
    # text put straight into divs with <br> between lines
    for div in body.css("div"):
        own = sum(len(re.sub(r"\s+", "", child.text_content or "")) for child in div.iter(include_text=True)
                  if child.tag == "-text")
        if own > 50:
            previous = scores.get(div.mem_id, (0.0, div))[0]
            scores[div.mem_id] = (previous + own, div)
    if not scores:
        return None
    return _whole_article(max(scores.values(), key=lambda item: item[0])[1])


#: Paragraph-like elements, whose text is the article's.
_PARAGRAPHS = "p, h1, h2, h3, h4, h5, h6, pre, blockquote, td, li"
_IN_PARAGRAPH = ("p", "li", "td", "blockquote", "pre")
#: A line of the page about the page, not of the report: 「来源：…浏览次数：3172」「【打印】【关闭】」.
_PAGE_LINE = re.compile(
    r"浏览|点击|来源[:：]|发布(?:时间|日期)|字号|字体|打印本页|【打印|打印】|^打印$|关闭窗口|【关闭|关闭】|^关闭$"
    # the page's buttons, not the report's words (「读书分享」「分享税收」「3D打印」「关闭退出」)
    r"|分享(?:到|至|[\s　、]*(?:收藏|点赞))|加入收藏|收藏本页|发表于|阅读原文|阅读\s*[\d.]+万?"
)
#: The line under a report's title giving the day, the meeting and often the speaker (「——2026年1月9日在…会议上
#: 南山街道办事处主任 何静远」): front matter, however long.
_DATELINE = re.compile(r"^[—－-]{1,2}\s*\S[^。]{0,80}?会议上")
#: How many lines at each end of the article may be the page's own (`_PAGE_LINE`).
_PAGE_LINES_AT_ENDS = 4


def _paragraphs(node) -> list:
    """The outermost paragraph-like elements under `node`."""
    found = []
    for paragraph in node.css(_PARAGRAPHS):
        parent = paragraph.parent
        while parent is not None and parent.mem_id != node.mem_id and parent.tag not in _IN_PARAGRAPH:
            parent = parent.parent
        if parent is None or parent.mem_id == node.mem_id:
            found.append(paragraph)
    return found


def _whole_article(node):
    """The element with the most paragraph text, widened to the ancestors that hold more of the report: a
    report whose parts are sibling `div`s is the element holding them all, not its longest part, and a
    front matter of short lines (title, dateline, speaker) in a `div` before them belongs to it. An
    ancestor whose further paragraphs are mostly links, or lines about the page (`_PAGE_LINE`), is not
    the report's."""
    paragraphs = _paragraphs(node)
    inside = {p.mem_id for p in paragraphs}
    text = sum(_text_len(p) for p in paragraphs)
    ancestor = node.parent
    while ancestor is not None and ancestor.tag not in ("body", "html"):
        added = [p for p in _paragraphs(ancestor) if p.mem_id not in inside]
        length = sum(_text_len(p) for p in added)
        if sum(_link_len(p) for p in added) > 0.3 * length:
            break
        lines = [" ".join((p.text(deep=True) or "").split()) for p in added]
        parts = length >= 0.2 * text
        front_matter = all((len(line) <= 40 or _DATELINE.match(line)) and not _PAGE_LINE.search(line) for line in lines)
        if added and not (parts or front_matter):
            break
        if added:
            node, text = ancestor, text + length
            inside |= {p.mem_id for p in added}
        ancestor = ancestor.parent
    return node


def _without_page_lines(lines: list[str]) -> list[str]:
    """The article's lines less the page's own near its start and end (「来源：…浏览次数：3172」「【打印】
    【关闭】」), which an article element widened to its front matter brings along."""
    ends = _PAGE_LINES_AT_ENDS
    return [
        line for i, line in enumerate(lines)
        if not ((i < ends or i >= len(lines) - ends) and len(line) <= 80 and _PAGE_LINE.search(line))
    ]


def _heading_like(line: str) -> bool:
    return len(line) <= 40 and "报告" in line


def _title(tree) -> str | None:
    for node in tree.css("h1"):
        text = " ".join((node.text(deep=True) or "").split())
        if text:
            return text
    return None


#: What parts an article's title from the site's name in a page's <title> (「…工作报告_工作报告_北溪区桦林街道」).
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)\s*")


def _page_title(page) -> str | None:
    """The article's title as the page's <title> gives it, before the site's name, when it is a report's
    heading (`_heading_like`): a single-page app's shell has no <h1>, its article's title only there and in
    the app's state."""
    node = page.css_first("title")
    text = " ".join((node.text(deep=True) or "").split()) if node is not None else ""
    first = _TITLE_SEPARATOR.split(text, maxsplit=1)[0] if text else ""
    return first if first and _heading_like(first) else None


def _footnotes(tree) -> list[tuple[int, str]]:
    """(number, text) of the page's footnote list (an element whose class or id says so, or list
    items with ids such as fn3); removed from the tree."""
    notes: dict[int, str] = {}
    for node in tree.css("[id]"):
        match = _NOTE_ID.match(node.attributes.get("id") or "")
        if match and node.tag in ("li", "p", "div", "aside", "section"):
            text = " ".join((node.text(deep=True) or "").split())
            n = int(match.group(1))
            # its own number written out (「[3]」「3.」「3 」), not a number the note begins with (「2022年…」)
            text = re.sub(rf"^(?:\[{n}\]|{n}(?:[.．、:：]|\s))\s*|\s*[↩↑]\s*$", "", text)
            if text:
                notes[n] = text
            node.decompose()
    for index, node in enumerate((node for node in tree.css("aside, li, div, section, p") if _epub_note(node)), start=1):
        # an e-book's note (EPUB 3: 「<aside epub:type="footnote" id="n1">」), numbered by its id or its place
        digits = re.sub(r"\D", "", node.attributes.get("id") or "")
        n = int(digits) if digits and len(digits) <= 3 else index
        text = re.sub(rf"^(?:\[{n}\]|{n}(?:[.．、:：]|\s))\s*|\s*[↩↑]\s*$", "", " ".join((node.text(deep=True) or "").split()))
        if text and n not in notes:
            notes[n] = text
        node.decompose()
    for node in tree.css("[class]"):
        if _FOOTNOTE_LIST.search(node.attributes.get("class") or "") and node.tag in ("div", "ol", "section", "aside"):
            for index, item in enumerate(node.css("li"), start=1):
                text = " ".join((item.text(deep=True) or "").split())
                number = int(item.attributes.get("value") or index) if (item.attributes.get("value") or "").isdecimal() else index
                if text and number not in notes:
                    notes[number] = text
            if not node.css("li"):  # paragraphs, each opening with its number: 「[1]链长制：…」「2. …」「③…」
                for item in node.css("p"):
                    text = " ".join((item.text(deep=True) or "").split())
                    if (marker := _NOTE_MARKER.match(text)) and (number := _marker_number(marker)) not in notes and text[marker.end() :]:
                        notes[number] = text[marker.end() :]
            node.decompose()
    return sorted(notes.items())


def _epub_note(node) -> bool:
    """Whether an element is a note as EPUB 3 marks one (`epub:type` footnote, endnote or rearnote)."""
    kinds = (node.attributes.get("epub:type") or "").split()
    return any(kind in ("footnote", "endnote", "rearnote") for kind in kinds)


#: The number a note in a list of paragraphs opens with: 「[1]」「1.」「1、」「①」.
_NOTE_MARKER = re.compile(r"^(?:[\[［【](\d{1,2})[\]］】]|(\d{1,2})[.．、:：]|([①-⑳]))\s*")


def _marker_number(marker: re.Match) -> int:
    bracketed, dotted, circled = marker.groups()
    return int(bracketed or dotted) if circled is None else ord(circled) - ord("①") + 1


def _lines(root) -> list[str]:
    """Block elements → lines; inline content → text, `<sup>N</sup>` markers, `**lead**`; a glossary's
    term and its meaning (`<dt>`, `<dd>`) one line, 「term：meaning」, as a report's 名词解释 writes it."""
    lines: list[str] = []
    current: list[tuple[str, bool]] = []

    def flush(heading: int = 0) -> None:
        text = "".join(t for t, _ in current)
        text = " ".join(text.split()) if not re.search(r"[\u4e00-\u9fff]", text) else re.sub(r"(?<=：)\s+", "", re.sub(r"\s+", " ", text)).strip()
        if text:
            lead = ""
            for piece, bold in current:
                if not bold:
                    break
                lead += piece
            lead = lead.strip()
            if heading:
                lines.append(f"{'#' * heading} {text}" if heading > 1 and not _numbered(text) else text)
            elif 2 <= len(lead) < len(text) and text.startswith(lead):
                lines.append(f"**{lead}**{text[len(lead):]}")
            else:
                lines.append(text)
        current.clear()

    def walk(node, bold: bool) -> None:
        for child in _in_reading_order(node.iter(include_text=True)):
            tag = child.tag
            if tag == "-text":
                current.append((child.text_content or "", bold))
            elif tag == "br":
                flush()
            elif tag == "a" and (word_note := _WORD_NOTE_LINK.match(child.attributes.get("href") or "")):
                current.append((f"<sup>{int(word_note.group(1))}</sup>", False))
            elif tag == "a" and "noteref" in (child.attributes.get("epub:type") or "").split():
                digits = re.sub(r"\D", "", child.text(deep=True) or "")  # an e-book's link to its note: the marker
                current.append((f"<sup>{int(digits)}</sup>", False) if digits else ("", False))
            elif tag == "sup":
                marker = child.text(deep=True) or ""
                digits = re.sub(r"\D", "", marker)
                if digits:
                    current.append((f"<sup>{int(digits)}</sup>", False))
                elif circled := _CIRCLED_MARKER.search(marker):  # 「<sup>①</sup>」: the note a 「①…」 line explains
                    current.append((circled.group(0), False))
            elif tag in ("strong", "b"):
                walk(child, True)
            elif tag == "table" and _lays_out_the_page(child):
                walk(child, bold)  # its cells are blocks (`_BLOCKS`): read as the page's paragraphs
            elif tag in ("td", "th") and _link_len(child) > MENU_LINK_SHARE * _text_len(child):
                continue  # a cell of links beside the report: the site's menu
            elif tag == "table":
                flush()
                lines.extend(html_table_sentences(child, stated_unit(lines[-1]) if lines else None))
            elif tag == "img" and _heading_picture(alt := " ".join((child.attributes.get("alt") or "").split())):
                flush()  # a part's heading set as a picture (「一、2025年工作回顾」 in its alt text)
                lines.append(alt)
            elif tag == "div" and (rows := _grid_rows(child)):
                flush()  # a table laid out as a grid of divs: a row a sentence, as a <table>'s
                lines.extend(table_sentences(rows))
            elif tag == "pre":  # a report pasted as text: its lines are the text's (the cleaner rejoins hard wraps)
                flush()
                lines.extend(_preformatted_lines(child.text(deep=True) or ""))
            elif tag == "dt":  # a term of a glossary: its line goes on with what the <dd> after it says
                flush()
                walk(child, bold)
                term = "".join(t for t, _ in current).rstrip()
                if term and not term.endswith(("：", ":")):
                    current.append(("：", False))
            elif tag == "dd":
                walk(child, bold)
                flush()
            elif tag in _BLOCKS or re.fullmatch(r"h[1-6]", tag or ""):
                flush()
                walk(child, bold)
                flush(int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else 0)
            elif tag not in ("img", "-comment", "hr"):
                walk(child, bold)

    walk(root, False)
    flush()
    return lines


#: An element placed on its page by its inline style (「position:absolute; left:40px; top:212px」).
_ABSOLUTE = re.compile(r"position\s*:\s*absolute", re.IGNORECASE)
_OFFSET = re.compile(r"(?<![-\w])(top|left)\s*:\s*(-?\d+(?:\.\d+)?)px", re.IGNORECASE)


def _placed_at(node) -> tuple[float, float] | None:
    """Where an element placed absolutely by its inline style stands: (top, left) in pixels."""
    if node.tag == "-text":
        return None
    style = node.attributes.get("style") or ""
    if not _ABSOLUTE.search(style):
        return None
    offsets = {name.lower(): float(value) for name, value in _OFFSET.findall(style)}
    return (offsets["top"], offsets.get("left", 0.0)) if "top" in offsets else None


def _in_reading_order(children) -> list:
    """An element's children, those it places absolutely read top to bottom and left to right. A page made
    with an H5 builder (易企秀, MAKA) sets each block of text on its slide by coordinates and writes the blocks in
    the order they were added: a slide's title after its paragraphs, its second paragraph before its first."""
    children = _feed_oldest_first(list(children))
    placed = [(child, _placed_at(child)) for child in children]
    positioned = [(child, at) for child, at in placed if at is not None]
    if len(positioned) < 2:
        return children
    return [child for child, at in placed if at is None] + [child for child, _ in sorted(positioned, key=lambda p: p[1])]


#: A live feed has this many timed entries at least (「09:32」 opening each, or a `data-time` attribute).
_MIN_FEED_ENTRIES = 5
_ENTRY_TIME = re.compile(r"^\s*(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}):(\d{2})")


def _feed_oldest_first(children: list) -> list:
    """A live feed's entries oldest first. A news site's live coverage of a meeting (图文直播) puts its newest
    entry on top: read as it stands, a report quoted over twenty entries ran from its closing words back
    to its front matter, which then opened nothing (no place, no date, no speaker). Entries are the element
    children that open with a time or carry one (`data-time`); when there are enough and their times never
    rise and do fall, they are read in reverse, the other children where they stood."""
    timed = []
    for index, child in enumerate(children):
        if child.tag in ("-text", "-comment"):
            continue
        stamp = _ENTRY_TIME.match(child.attributes.get("data-time") or "") or _ENTRY_TIME.match(child.text(deep=True) or "")
        if stamp:
            timed.append((index, int(stamp.group(1)) * 60 + int(stamp.group(2))))
    times = [minutes for _, minutes in timed]
    if len(timed) < _MIN_FEED_ENTRIES or any(b > a for a, b in itertools.pairwise(times)) or times[0] == times[-1]:
        return children
    order = [index for index, _ in timed]
    reordered = list(children)
    for position, index in zip(order, reversed(order), strict=True):
        reordered[position] = children[index]
    return reordered


#: A grid of divs is a table when it has this many rows at least (its header among them), and no cell
#: longer than this many characters.
_MIN_GRID_ROWS = 3
_MAX_GRID_CELL = 40


def _grid_rows(node) -> list[list[str]] | None:
    """The rows of a table laid out as a grid of `div`s (a CSS grid or flex rows: each row a `div` of cell
    `div`s holding short text and no further blocks), all rows of one width of two cells or more; else None.
    Read cell by cell, each cell was a line of its own and the rows ran together. Paragraphs set as a `div`
    of spans (a bold lead, then the text) are no grid: their cells are long."""
    rows = [child for child in node.iter() if child.tag != "-text"]
    if len(rows) < _MIN_GRID_ROWS or any(row.tag != "div" for row in rows):
        return None
    cells = [[cell for cell in row.iter() if cell.tag != "-text"] for row in rows]
    width = len(cells[0])
    if width < 2 or any(len(row) != width for row in cells):
        return None
    if any(cell.tag not in ("div", "span") or _holds_blocks(cell) for row in cells for cell in row):
        return None
    rows = [[" ".join((cell.text(deep=True) or "").split()) for cell in row] for row in cells]
    return rows if all(len(text) <= _MAX_GRID_CELL for row in rows for text in row) else None


def _holds_blocks(node) -> bool:
    """Whether an element holds block elements below it (selectolax's `css` matches the element itself too)."""
    return any(inner.mem_id != node.mem_id for inner in node.css("div, p, table, ul, ol"))


def _preformatted_lines(text: str) -> list[str]:
    """The lines of a `<pre>`, as a text file's are read: tables laid out with spaces as rows
    (`qa.readers.text.aligned_tables_as_sentences`), blank lines kept as paragraph breaks."""
    text = aligned_tables_as_sentences(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.rstrip() for line in text.split("\n")]


#: A note's number written circled (「①」), which is no digit.
_CIRCLED_MARKER = re.compile(r"[①-⑳]")
#: A table cell holding this much text is the page's layout, not a figure or a name of a data table.
LAYOUT_CELL_CHARS = 500
#: A cell of a layout table whose text is links for more than this share is the site's menu.
MENU_LINK_SHARE = 0.5


def _lays_out_the_page(table) -> bool:
    """Whether a table lays out the page rather than holding data: a cell of it holds another table or a
    long text (an old portal page sets its menu and the report side by side in cells, the report in
    paragraphs). Read as rows, the report's cell was lost and the menu read as the report."""
    for cell in table.css("td, th"):
        if cell.css_first("table") is not None or _text_len(cell) > LAYOUT_CELL_CHARS:
            return True
    return False


def _heading_picture(alt: str) -> bool:
    """Whether a picture's alt text is a numbered heading in words (「一、2025年工作回顾」), not a file's name
    (「1.jpg」, which numbers like an item)."""
    return bool(re.search(r"[\u4e00-\u9fff]{2}", alt)) and _numbered(alt)


def _numbered(text: str) -> bool:
    from qa.sections import numbering_level

    return numbering_level(text) > 0
