"""Chunks by section: each chunk lies within one section and carries its path, its exact text and
offsets, and the footnotes its text refers to.

A section's own text (its paragraphs up to its first sub-section) is one chunk when it fits under
`max_chars`; longer ones are cut into near-equal pieces at paragraph, then sentence, then clause
boundaries. A heading with no text of its own (「一、2022年工作回顾」 directly followed by 「（一）…」)
opens the next chunk instead of standing alone, and a very short section is merged with the next
sibling when both fit. Every non-blank character of the text lands in exactly one chunk, in order.

e5 reads at most 512 tokens; Chinese runs about one token per 1–1.5 characters, so the default of
400 characters plus the heading path and metadata line stays inside the window.

Text with no headings at all (news articles, notices) has no sections to follow: it is cut into
near-equal windows of at most `HEADINGLESS_MAX_CHARS` at paragraph, sentence or clause ends. The size
was measured on the CRUD-RAG news sample (`bench/crud.py`, README "Retrieval"): small windows split
an article's context from the sentence that answers, and BM25 over 250/400/500/800/1200-character
(whole-article) windows reached hit@1 0.55/0.72/0.80/0.83/0.84; 800 keeps nearly all of the whole
article's lexical evidence while a long notice still gets passages the embedder reads almost whole
(512 tokens). Overlapping windows measured lower in a first trial (400 with 100 overlap: 0.71 against
0.73 without) and would break the one-chunk-per-character rule, so there is none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.documents import Chunk, Footnote, Paragraph, Section
from qa.settings import DEFAULT_CHUNK_MAX_CHARS

#: Changes whenever the same text would be cut differently (or its chunks carry other data): the
#: index rebuilds its chunks then (reusing the vectors of unchanged texts).
CHUNKER_VERSION = "sections-1/windows-800-opening/anchors-1"
#: How far back from a footnote marker its anchor may reach.
ANCHOR_MAX_CHARS = 24
#: Where a footnote's anchor begins: the end of the clause before it, or a line break.
_ANCHOR_START = re.compile(r"[，。；：！？,;:!?\n]")
_TRAILING_PUNCTUATION = "，。；：！？,;:!? \n"
DEFAULT_MAX_CHARS = DEFAULT_CHUNK_MAX_CHARS
#: Sections shorter than this are merged with a following sibling when the two fit together.
DEFAULT_MIN_CHARS = 60
#: Longest window of a text without headings (see the module docstring for how it was chosen).
HEADINGLESS_MAX_CHARS = 800
#: Longest opening sentence given to the later windows of a text without headings (`Chunk.opening`).
OPENING_MAX_CHARS = 150

_SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)]*")
_CLAUSE_END = re.compile(r"[，,、：:]")


@dataclass(frozen=True)
class _Segment:
    """A run of text owned by one section path, before size limits are applied."""

    path: tuple[str, ...]
    start: int
    end: int
    heading_only: bool = False


def chunk_document(
    source: str,
    text: str,
    paragraphs: Sequence[Paragraph],
    sections: Sequence[Section],
    footnotes: Sequence[Footnote] = (),
    markers: Sequence[tuple[int, int]] = (),
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    min_chars: int = DEFAULT_MIN_CHARS,
    window_chars: int = HEADINGLESS_MAX_CHARS,
) -> tuple[Chunk, ...]:
    """Cut a clean text into chunks; `markers` are (footnote number, offset) pairs from cleaning. A text
    with no sections is cut into windows of up to `window_chars` (or `max_chars` if larger)."""
    if max_chars < 20:
        raise ValueError(f"chunk_max_chars must be at least 20, got {max_chars}")
    if not sections:
        max_chars = max(max_chars, window_chars)
    segments = _merge_short(_attach_headings(_segments(text, paragraphs, sections)), max_chars, min_chars)
    notes = {f.n: f for f in footnotes}
    opening = "" if sections else opening_sentence(text)
    chunks: list[Chunk] = []
    for segment in segments:
        for start, end in _split(text, segment.start, segment.end, max_chars):
            first_marker: dict[int, int] = {}
            for n, at in sorted(markers, key=lambda marker: marker[1]):
                if start < at <= end and n in notes:
                    first_marker.setdefault(n, at)
            chunks.append(
                Chunk(
                    id=f"{source}#{len(chunks)}",
                    source=source,
                    section_path=segment.path,
                    text=text[start:end],
                    start=start,
                    end=end,
                    footnotes=tuple(
                        Footnote(n, notes[n].text, footnote_anchor(text, first_marker[n], start))
                        for n in sorted(first_marker)
                    ),
                    opening=opening if chunks else "",
                )
            )
    return tuple(chunks)


def opening_sentence(text: str) -> str:
    """The first sentence of a text (white space collapsed, at most `OPENING_MAX_CHARS`): what a news
    article or notice states first is what it is about. A later window of such a text carries it
    (`Chunk.opening`) as a report's chunk carries its section path, so that a question naming the article's
    subject and asking for a fact further down finds the window with the fact rather than the opening
    one. Measured on the CRUD-RAG news questions (README "Retrieval")."""
    collapsed = " ".join(text.split())
    end = _SENTENCE_END.search(collapsed)
    return collapsed[: end.end() if end else len(collapsed)][:OPENING_MAX_CHARS]


def footnote_anchor(text: str, at: int, start: int = 0) -> str:
    """The words a footnote marker stood after (`at`: the offset right after them), back to the start of
    their clause, at most `ANCHOR_MAX_CHARS` and not before `start`: 「总结形成“小快灵”」 for
    「总结形成“小快灵”¹⁰三字经工作法」. Reports put the marker right after the term the footnote explains,
    so the anchor says what the footnote is about; the answer step reads a footnote with it."""
    window = text[max(start, at - ANCHOR_MAX_CHARS) : at].rstrip(_TRAILING_PUNCTUATION)
    cut = max((m.end() for m in _ANCHOR_START.finditer(window)), default=0)
    return window[cut:].strip()


def _segments(text: str, paragraphs: Sequence[Paragraph], sections: Sequence[Section]) -> list[_Segment]:
    """Consecutive paragraphs grouped by the deepest section that holds them."""
    by_start = {s.start: s for s in sections}
    segments: list[_Segment] = []
    open_sections: list[Section] = []
    for paragraph in paragraphs:
        while open_sections and paragraph.start >= open_sections[-1].end:
            open_sections.pop()
        section = by_start.get(paragraph.start)
        if section is not None:
            while open_sections and open_sections[-1].level >= section.level:
                open_sections.pop()
            open_sections.append(section)
        path = open_sections[-1].path if open_sections else ()
        own_text = text[paragraph.start : paragraph.end]
        heading_only = section is not None and own_text.rstrip("。：:；;，, ") == section.heading
        if segments and segments[-1].path == path and section is None:
            last = segments[-1]
            segments[-1] = _Segment(path, last.start, paragraph.end)
        else:
            segments.append(_Segment(path, paragraph.start, paragraph.end, heading_only))
    return segments


def _attach_headings(segments: list[_Segment]) -> list[_Segment]:
    """A bare heading opens the chunk of what follows it when that lies inside its section."""
    out: list[_Segment] = []
    pending: _Segment | None = None
    for segment in segments:
        if pending is not None:
            if segment.path[: len(pending.path)] == pending.path:
                segment = _Segment(segment.path, pending.start, segment.end, segment.heading_only)
            else:
                out.append(pending)
            pending = None
        if segment.heading_only:
            pending = segment
        else:
            out.append(segment)
    if pending is not None:
        out.append(pending)
    return out


def _merge_short(segments: list[_Segment], max_chars: int, min_chars: int) -> list[_Segment]:
    """Merge a short section into its next sibling when both fit; the chunk keeps the parent's path."""
    out: list[_Segment] = []
    for segment in segments:
        if out:
            last = out[-1]
            siblings = last.path[:-1] == segment.path[:-1] and bool(last.path) and bool(segment.path)
            short = (last.end - last.start) < min_chars or (segment.end - segment.start) < min_chars
            if siblings and short and segment.end - last.start <= max_chars:
                out[-1] = _Segment(last.path[:-1], last.start, segment.end)
                continue
        out.append(segment)
    return out


def _split(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut text[start:end] into near-equal pieces of at most max_chars, preferring paragraph ends, then
    sentence ends, then clause ends; pieces are trimmed of surrounding whitespace."""
    start, end = _trim(text, start, end)
    if end <= start:
        return []
    if end - start <= max_chars:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    cursor = start
    while end - cursor > max_chars:
        remaining = end - cursor
        target = remaining / math.ceil(remaining / max_chars)
        cut = _best_cut(text, cursor, end, target, max_chars)
        piece = _trim(text, cursor, cut)
        if piece[1] > piece[0]:
            pieces.append(piece)
        cursor = cut
    piece = _trim(text, cursor, end)
    if piece[1] > piece[0]:
        pieces.append(piece)
    return pieces


def _best_cut(text: str, cursor: int, end: int, target: float, max_chars: int) -> int:
    """Where to end the piece that starts at `cursor`: the strongest boundary within the allowed window,
    nearest to the target size."""
    low, high = cursor + max(1, int(target * 0.5)), min(end, cursor + max_chars)
    window = text[low:high]
    for pattern in (re.compile(r"\n"), _SENTENCE_END, _CLAUSE_END):
        cuts = [low + m.end() for m in pattern.finditer(window)]
        cuts = [c for c in cuts if c <= high]
        if cuts:
            return min(cuts, key=lambda c: abs((c - cursor) - target))
    return high


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
