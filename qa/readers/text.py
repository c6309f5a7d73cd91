"""Plain text and markdown reports (.txt, .md): decoding, and tables — pipe tables (「| 指标 | 完成值 |」), tables
laid out with spaces, tables drawn with box-drawing characters, HTML tables and pandoc's grid tables written into Markdown —
written out a row a sentence (`qa.readers.tables`);
pandoc's spans, images and escapes removed; what follows an article's end mark left out;
a subtitle track (SRT/WebVTT saved as .txt) read as its cues' words and a forum post's BBCode source as its
text, the thread's replies left out;
footnotes labelled with words (`[^a]`) numbered as the cleaner reads them; the cleaner does the rest."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.tables import html_table_sentences, table_sentences

SUFFIXES = (".txt", ".md", ".markdown")


def read_text(path: Path) -> str:
    """Decode a report: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK) or,
    for traditional script, Big5 (`_plausible`).

    Newlines become LF. Raises `IngestError` naming the file when nothing decodes it or it is binary.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: 无法读取文件（{error.strerror or error}）") from error
    return decode_text(data, path)


def decode_text(data: bytes, path: Path) -> str:
    """`read_text` on bytes already read."""
    if not data.strip():
        raise IngestError(f"{path}: 文件为空，请放入报告正文后重试")
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030", "cp950"]
    decoded = []
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _control_ratio(text) > 0.01:
            break
        decoded.append(text)
        if _plausible(text):
            break
    if not decoded:
        raise IngestError(
            f"{path}: 无法识别文件编码或不是文本文件（支持 UTF-8、UTF-16 带 BOM、GB18030/GBK、Big5），请另存为 UTF-8 后重试"
        )
    text = min(decoded, key=_odd_ratio)  # the first plausible one, else the least odd
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Characters a Chinese report does not use but double-byte text decoded with the wrong table is full of:
#: kana, bopomofo, box drawing, hangul, private use and small or vertical forms (Big5 read as GBK: 「匪马チ現┎呼」).
_ODD = re.compile(r"[\u3040-\u30ff\u3100-\u312f\u2500-\u257f\uac00-\ud7af\ue000-\uf8ff\ufe10-\ufe6f]")
#: The share of odd characters above which a decoding is the wrong one (Big5 as GBK: 0.41; the blind
#: reports and the seeds, rightly decoded: 0).
_ODD_SHARE = 0.01


def _odd_ratio(text: str) -> float:
    return len(_ODD.findall(text)) / max(1, len(text))


def _plausible(text: str) -> bool:
    """Whether a decoding reads as Chinese text. GBK and Big5 share their byte ranges, so a Big5 file decodes
    as GB18030 without an error, into nonsense; what tells them apart is what the characters are."""
    return _odd_ratio(text) <= _ODD_SHARE


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return controls / max(1, len(text))


#: A row of a pipe table, and the rule under its header (「|---|:---:|」).
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")


def _tables_as_sentences(
    text: str, run_end: Callable[[list[str], int], int], rows_of: Callable[[list[str]], list[list[str]] | None]
) -> str:
    """Each run of lines that may be a table — from a line to `run_end(lines, start)` — whose rows
    `rows_of` reads (None: no table after all) → its rows as sentences (`qa.readers.tables`)."""
    lines = text.split("\n")
    out: list[str] = []
    start = 0
    while start < len(lines):
        end = run_end(lines, start)
        rows = rows_of(lines[start:end]) if end > start else None
        if rows is not None:
            out += table_sentences(rows)
            start = end
        else:
            out.append(lines[start])
            start += 1
    return "\n".join(out)


def pipe_tables_as_sentences(text: str) -> str:
    """Each run of two or more pipe-table lines → its rows as sentences."""
    def run_end(lines: list[str], start: int) -> int:
        end = start
        while end < len(lines) and _PIPE_ROW.match(lines[end]):
            end += 1
        return end

    def rows_of(run: list[str]) -> list[list[str]] | None:
        if len(run) < 2:
            return None
        return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in run if not _PIPE_RULE.match(line)]

    return _tables_as_sentences(text, run_end, rows_of)


#: What parts the columns of a table laid out with spaces: full-width spaces, or two ASCII spaces or more.
_COLUMN_GAP = re.compile(r"(?:\u3000|\s{2,})+")
#: A table laid out with spaces has this many columns and rows at least: a line with one gap is a label
#: and its value, or a role and a name (「村民委员会主任　周建华」), not a table.
_ALIGNED_MIN_COLUMNS, _ALIGNED_MIN_ROWS = 3, 3
_NUMBER_CELL = re.compile(r"^[-+≥≤]?\d")
#: A rule drawn with dashes under a header or around a table (「------」「======」): no row.
_RULE_LINE = re.compile(r"^\s*[-─━=＝_—–]{3,}\s*$")


def _columns(line: str) -> list[str]:
    return _COLUMN_GAP.split(line.strip())


def aligned_tables_as_sentences(text: str) -> str:
    """Each run of lines that are a table laid out with spaces (「指标　　2024年　　2025年」 over
    「村集体经济总收入（万元）　　241.3　　286.4」: the same number of columns in every line, three at least,
    numbers after the first in most rows — a row may give a class, 「Ⅲ类」 — dashed rules between them
    dropped) → its rows as sentences, as a pipe table's are. Read as text, the lines ran
    together into one paragraph of figures apart from what they count."""
    def run_end(lines: list[str], start: int) -> int:
        width = len(_columns(lines[start]))
        end = start
        while end < len(lines) and width >= _ALIGNED_MIN_COLUMNS and (
            len(_columns(lines[end])) == width or (end > start and _RULE_LINE.match(lines[end]))
        ):
            end += 1
        return end

    def rows_of(run: list[str]) -> list[list[str]] | None:
        rows = [_columns(line) for line in run if not _RULE_LINE.match(line)]
        numbered = sum(bool(_NUMBER_CELL.match(row[-1]) or _NUMBER_CELL.match(row[1])) for row in rows[1:])
        return rows if len(rows) >= _ALIGNED_MIN_ROWS and 2 * numbered > len(rows) - 1 else None

    return _tables_as_sentences(text, run_end, rows_of)


#: An HTML table written into Markdown, as Markdown allows (`<table>…</table>`, over any number of lines).
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)


def html_tables_as_sentences(text: str) -> str:
    """Each HTML table in the text → its rows as sentences, as the web page reader writes them. With its
    tags stripped, a row ran its cells together into one run of figures (「地区生产总值亿元286.47.8」)."""
    from selectolax.lexbor import LexborHTMLParser

    def sentences(match: re.Match) -> str:
        table = LexborHTMLParser(match.group(0)).css_first("table")
        return "\n".join(html_table_sentences(table)) if table is not None else match.group(0)

    return _HTML_TABLE.sub(sentences, text)


#: A Markdown footnote's label, in a reference (「[^a]」) or opening its definition (「[^a]:」).
_FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:", re.MULTILINE)


def numbered_footnotes(text: str) -> str:
    """Markdown footnotes labelled with words (「[^a]」「[^note]」) → numbered in the order they are defined
    (「[^1]」), as the cleaner reads notes; numbered ones are left as they are."""
    labels = list(dict.fromkeys(_FOOTNOTE_DEFINITION.findall(text)))
    if all(label.isdigit() for label in labels):
        return text
    numbers = {label: str(n) for n, label in enumerate(labels, start=1)}
    return _FOOTNOTE_LABEL.sub(lambda m: f"[^{numbers[m.group(1)]}]" if m.group(1) in numbers else m.group(0), text)


#: A grid table's rule (「+-----+----+」, 「+=====+====+」 under its header), as pandoc writes a table whose
#: cells wrap over lines.
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_GRID_ROW = re.compile(r"^\s*\|.*\|\s*$")


def grid_tables_as_sentences(text: str) -> str:
    """Each grid table → its rows as sentences: a row is the lines between two rules, and a cell that wraps
    (「规模以上服务业营业」 over 「收入」) is its column's pieces joined."""
    def run_end(lines: list[str], start: int) -> int:
        end = start
        while end < len(lines) and (_GRID_RULE.match(lines[end]) or (end > start and _GRID_ROW.match(lines[end]))):
            end += 1
        return end

    def rows_of(run: list[str]) -> list[list[str]] | None:
        rows: list[list[str]] = []
        pieces: list[list[str]] = []
        for line in run:
            if _GRID_RULE.match(line):
                if pieces:
                    rows.append(["".join(column).strip() for column in zip(*pieces, strict=False)])
                pieces = []
            else:
                pieces.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        return rows if len(rows) >= 2 else None

    return _tables_as_sentences(text, run_end, rows_of)


#: A rule of a table drawn with box-drawing characters, as a DOS-era template draws one (「┌──┬──┐」「├──┼──┤」
#: 「└──┴──┘」), and a row of it (「│指标　│单位│」).
_BOX_RULE = re.compile(r"^\s*[┌├└╔╠╚][─━═┬┼┴┯┿┷╤╪╧]+[┐┤┘╗╣╝]\s*$")
_BOX_ROW = re.compile(r"^\s*[│┃║].*[│┃║]\s*$")


def box_tables_as_grid(text: str) -> str:
    """A table drawn with box-drawing characters → the same table as a grid table (`grid_tables_as_sentences`):
    a row is the lines between two rules, and a cell wrapped onto a second line is joined. Read as text, its
    figures stood apart from what they count."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _BOX_RULE.match(line):
            lines[i] = "+---+"
        elif _BOX_ROW.match(line):
            lines[i] = re.sub(r"[│┃║]", "|", line)
    return "\n".join(lines)


#: Pandoc's Markdown: a span or a link with attributes (「[民生实事]{.underline}」), an image
#: (「![](media/image1.png){width="5.8in"}」), and punctuation escaped (「\*」「\[2025\]」「1\.」).
_PANDOC_SPAN = re.compile(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\{[^}]*\}")
_PANDOC_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def pandoc_markup_removed(text: str) -> str:
    """Markdown as pandoc writes it from a Word file → its text: spans' attributes, images and escapes go
    (the cleaner reads the rest of Markdown)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", _PANDOC_SPAN.sub(r"\1", _PANDOC_IMAGE.sub("", text)))


#: A Markdown file's YAML front matter (「---」 lines around 「title: …」「author: …」), as note-taking and online
#: document tools export it, and its title.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$", re.MULTILINE)
#: A table of contents' line: a list item that is only a link to a heading of the same file
#: (「- [一、2025年工作回顾](#一2025年工作回顾)」), and the contents' own heading (「**目录**」).
_CONTENTS_LINK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\[[^\]]+\]\(#[^)]*\)\s*$")
_CONTENTS_HEADING = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?\s*目\s*录\s*(?:\*\*)?\s*$")
#: The marker opening a callout (GitHub's and Obsidian's 「> [!NOTE]」), and a container's fence lines (「:::tip」
#: … 「:::」, as Yuque, VuePress and markdown-it write a tip box); the callout's text is kept.
_CALLOUT_MARKER = re.compile(r"^(\s*>\s*)\[![A-Za-z]+\][+-]?\s*", re.MULTILINE)
_CONTAINER_FENCE = re.compile(r"^:::[ \t]*[\w-]*[^\n]*\n?", re.MULTILINE)
#: What a Markdown page shows nothing of: an HTML comment (an editor's note, Hugo's 「<!--more-->」 summary
#: divider) and a static site generator's template tag, a Hugo shortcode (「{{< notice info >}}」「{{% /tip %}}」,
#: 「{{< figure … >}}」, 「{{< ref "…" >}}」 as a link's target) or a Jekyll/Liquid tag (「{% include … %}」). A
#: figure's tag goes whole, as a Markdown image does.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TEMPLATE_TAG = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}", re.DOTALL)


def markdown_apparatus_removed(text: str) -> str:
    """Markdown as online document tools export it → the document's text: the YAML front matter gives way
    to its title (「title: 2026年梓溪县政府工作报告」 → the title line), a table of contents of links to the
    file's own headings goes (its entries, read as headings, stood in front of the report's front matter
    and were taken for its parts), a callout's marker and a container's fences go (「> [!NOTE]」「:::tip」), and
    so do HTML comments and a site generator's template tags."""
    if front := _FRONT_MATTER.match(text):
        title = _FRONT_MATTER_TITLE.search(front.group(1))
        text = (f"{title.group(1)}\n" if title else "") + text[front.end():]
    text = _TEMPLATE_TAG.sub("", _HTML_COMMENT.sub("", text))
    lines = text.split("\n")
    contents = {i for i, line in enumerate(lines) if _CONTENTS_LINK.match(line)}
    if len(contents) >= 3:
        first = min(contents)
        before = next((i for i in range(first - 1, -1, -1) if lines[i].strip()), None)
        if before is not None and _CONTENTS_HEADING.match(lines[before]):
            contents.add(before)
        lines = [line for i, line in enumerate(lines) if i not in contents]
    return _CONTAINER_FENCE.sub("", _CALLOUT_MARKER.sub(r"\1", "\n".join(lines)))


#: An inline formula, as a PDF-to-Markdown converter (MinerU, marker) writes a figure it took for maths
#: (「同比增长 $2 1 . 4 \\%$ ，」「$\\mathrm{ 3 . 1 8 }$ 亿元」「$\\geq 2 0 0 0$」), with the spaces around it.
_INLINE_MATH = re.compile(r"[ \t]*(?<!\$)\$(?![\s$])([^$\n]{1,80}?)(?<!\s)\$(?!\$)[ \t]*")
#: What makes such a span a formula and not two prices (「$5 and $6」): a LaTeX command, or only figures and signs.
_MATH_BODY = re.compile(r"\\[A-Za-z]+|^[\d\s.,%+\-=<>^{}()\\]+$")


def inline_math_as_text(text: str) -> str:
    """Inline formulas → the text they print (「$2 1 . 4 \\%$」 → 「21.4%」, 「$\\geq 2 0 0 0$」 → 「≥2000」), by
    pylatexenc; the spaces a converter puts between a formula's tokens go. Left as written, 「2 1 . 4 %」 was
    no rate to the answer types and the figure no answer."""
    from pylatexenc.latex2text import LatexNodes2Text

    converter = LatexNodes2Text(math_mode="text")

    def plain(match: re.Match) -> str:
        body = match.group(1)
        if not _MATH_BODY.search(body):
            return match.group(0)
        return "".join(converter.latex_to_text(body).split())

    return _INLINE_MATH.sub(plain, text)


#: The line an article ends on (「- END -」「—END—」「（完）」「（全文完）」); after it comes its publisher's
#: sign-off (来源, 编辑, 审核, a QR code, 「点赞 在看」, 「【相关阅读】」 headlines), no part of the report.
_END_MARK = re.compile(r"^[\s\-—–_·.]*(?:END|[（(]?全?文?完[）)]?)[\s\-—–_·.]*$", re.IGNORECASE)
#: How far into an article's lines its end mark may stand: one near its start is no end.
_END_MARK_FROM = 0.8


def before_end_mark(lines: list[str]) -> list[str]:
    """The article's lines up to its end mark (`_END_MARK`) in its last fifth, when it has one: a public
    account's article (web page) or a report pasted from a news site (text), whose related headlines give
    figures the report does not."""
    for i in range(len(lines) - 1, int(_END_MARK_FROM * len(lines)) - 1, -1):
        if _END_MARK.match(lines[i]):
            return lines[:i]
    return lines


#: A subtitle cue's timing line (SRT 「00:12:03,480 --> 00:12:07,920」, WebVTT 「00:12:03.480 --> …」).
_CUE_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}.*$")
#: A cue's number, on the line above its timing.
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
#: The speech's salutation, after which a cue is a sentence; a cue numbering a part is a heading.
_SALUTATION = re.compile(r"^\s*各位(?:代表|委员|同志)")
_CUE_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部章])")
_CUE_ENDS = set("。！？；：…!?;:」』）)】”、，,")
#: A cue shorter than this (「各位代表」, a lead 「招商引资」) is left without a stop.
_CUE_SENTENCE_CHARS = 6
#: How much of a file's non-blank lines must be timings for it to be a subtitle track.
_SUBTITLE_SHARE = 0.15


def subtitles_as_text(text: str) -> str:
    """A subtitle track (a broadcast's SRT or WebVTT, saved as .txt) → its cues' words, a cue a line, the
    lines of one cue parted by a space: cue numbers, timings and the WEBVTT header are no part of the
    speech. Subtitles drop commas and full stops, so a cue is as near a sentence as the track has, and after
    the salutation (the front matter left as it is) a cue of the speech ends with 「。」 unless it is a
    heading: run together, a part's cues made one paragraph of one "sentence", cut mid-word where a passage
    had to end. No quoted snippet crosses a cue: in the file, cue numbers and timings stand between."""
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    if not filled or sum(bool(_CUE_TIMING.match(line)) for line in filled) < _SUBTITLE_SHARE * len(filled):
        return text
    cues: list[list[str]] = []
    for i, line in enumerate(lines):
        if _CUE_TIMING.match(line):
            cues.append([])
        elif line.strip() and cues and not (_CUE_NUMBER.match(line) and i + 1 < len(lines) and _CUE_TIMING.match(lines[i + 1])):
            cues[-1].append(line.strip())
    texts = [" ".join(cue) for cue in cues if cue]
    opening = next((i for i, cue in enumerate(texts) if _SALUTATION.match(cue)), -1)
    return "\n".join(
        f"{cue}。" if i > opening and len(cue) >= _CUE_SENTENCE_CHARS and cue[-1] not in _CUE_ENDS and not _CUE_HEADING.match(cue)
        else cue
        for i, cue in enumerate(texts)
    )


#: A chat export's message header: the message's date and time, then its sender's display name
#: (「2026-01-12 09:31:05 鹭岭村委-王会计」), as WeChat's and QQ's export tools write it.
_CHAT_HEADER = re.compile(r"^\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(\S[^\n]{0,40}?)\s*$")
#: How many message headers make a text a chat's export.
_CHAT_HEADERS = 5
#: A message of the report's poster this short is a reply in the chat (「收到」, an answer to a question, 「全文
#:已发完」), not a part of the report, unless it goes on a sentence the message before it was cut in.
_CHAT_REPLY_CHARS = 80
#: What a message's last line ends on when the report's text ended there, not cut by the chat's length limit.
_CHAT_TEXT_ENDS = set("。！？；：…!?;:」』）)】”")


def chat_export_as_text(text: str) -> str:
    """A group chat's export (a report pasted into a WeChat or QQ group, message after message) → the
    report: the messages of the one who posted it (the sender with the most text), in order, without the
    headers, the others' replies (「收到」「[强]」, questions, 「[图片]」, 「撤回了一条消息」) and the poster's own
    short replies. A message the chat's length limit cut mid-sentence (「首次实行按」 | 「股分红」) is joined to the
    next one where it was cut (not one ending on a heading or on a table's row): the headers had stood inside
    sentences and passages."""
    from qa.sections import is_heading_line

    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _CHAT_HEADER.match(line)]
    if len(starts) < _CHAT_HEADERS:
        return text
    messages: list[tuple[str, list[str]]] = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        sender = _CHAT_HEADER.match(lines[start]).group(1)  # type: ignore[union-attr]
        messages.append((sender, [line.strip() for line in lines[start + 1 : end] if line.strip()]))
    sent: dict[str, int] = {}
    for sender, body in messages:
        sent[sender] = sent.get(sender, 0) + sum(map(len, body))
    poster = max(sent, key=lambda sender: sent[sender])
    out: list[str] = []
    cut = False
    for sender, body in messages:
        if sender != poster or not body or (sum(map(len, body)) < _CHAT_REPLY_CHARS and not cut):
            continue
        if cut:
            out[-1] += body[0]
            body = body[1:]
        out += body
        last = out[-1] if out else ""
        cut = bool(last) and last[-1] not in _CHAT_TEXT_ENDS and "\t" not in last and not is_heading_line(last)
    return "\n".join(out)


#: A forum's markup (Discuz!, phpBB): 「[b]」「[size=4]」「[/color]」「[table=98%]」.
_BBCODE_TAG = re.compile(
    r"\[(/?)(b|i|u|s|size|color|font|align|indent|p|table|tr|td|quote|img|url|list|\*|backcolor|hr)(?:=[^\]\n]*)?\]",
    re.IGNORECASE,
)
#: Tags that open or close a block: their place is a line break.
_BBCODE_BLOCK = {"align", "indent", "p", "quote", "list", "*", "hr"}
#: How many tags make a text a forum post's source.
_BBCODE_TAGS = 10
#: A quoted reply's header (「澜水人家 发表于 2026-1-14 21:36」): the thread's replies start there.
_REPLY_QUOTE = re.compile(r"\[quote\](?:\s|\[[^\]\n]*\])*[^\n\[]{0,40}发表于", re.IGNORECASE)


def bbcode_as_text(text: str) -> str:
    """A forum post's BBCode source (a report reposted to a local forum, saved as .txt) → its text: the
    replies after the post left out (they quote it and argue over figures it does not give), pictures
    dropped, a [table] a row a sentence (`qa.readers.tables`), block tags as line breaks, the others
    removed with their text kept. Text with few such tags is left as it is."""
    tags = list(_BBCODE_TAG.finditer(text))
    if len(tags) < _BBCODE_TAGS or not any(tag.group(1) for tag in tags):
        return text
    if reply := _REPLY_QUOTE.search(text):
        text = text[: reply.start()]
    text = re.sub(r"\[img[^\]]*\].*?\[/img\]", "", text, flags=re.IGNORECASE | re.DOTALL)
    text = re.sub(r"\[quote\].*?\[/quote\]", "", text, flags=re.IGNORECASE | re.DOTALL)

    def plain(fragment: str) -> str:
        return _BBCODE_TAG.sub(lambda tag: "\n" if tag.group(2).lower() in _BBCODE_BLOCK else "", fragment)

    def table(match: re.Match) -> str:
        rows = [[" ".join(plain(cell).split()) for cell in re.findall(r"\[td[^\]]*\](.*?)\[/td\]", row, re.IGNORECASE | re.DOTALL)]
                for row in re.findall(r"\[tr[^\]]*\](.*?)\[/tr\]", match.group(0), re.IGNORECASE | re.DOTALL)]
        return "\n" + "\n".join(table_sentences([row for row in rows if row])) + "\n"

    text = re.sub(r"\[table[^\]]*\].*?\[/table\]", table, text, flags=re.IGNORECASE | re.DOTALL)
    return "\n".join(line.strip() for line in plain(text).split("\n"))


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    text = chat_export_as_text(decode_text(data, path))
    text = bbcode_as_text(subtitles_as_text("\n".join(before_end_mark(text.split("\n")))))
    if path.suffix.lower() in (".md", ".markdown"):
        text = inline_math_as_text(text)  # before the tables: a cell may hold a formula (「$\\geq 2 0 0 0$」)
    text = grid_tables_as_sentences(box_tables_as_grid(numbered_footnotes(html_tables_as_sentences(text))))
    if path.suffix.lower() in (".md", ".markdown"):
        text = pandoc_markup_removed(markdown_apparatus_removed(text))
    return Decoded(aligned_tables_as_sentences(pipe_tables_as_sentences(text)), "text")
