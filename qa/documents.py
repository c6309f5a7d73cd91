"""The plain data that flows through ingestion: a report becomes a `Document` holding its clean text,
metadata, section tree and chunks. Frozen dataclasses, built by pure functions in `ingest`,
`sections` and `chunking`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Footnote:
    """A footnote definition, numbered as in the report. On a chunk's footnotes, `anchor` is the words
    the footnote's marker follows in that chunk (`qa.chunking.footnote_anchor`): what it explains."""

    n: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Period:
    """A span of time a report reviews or plans.

    `kind` is "year" (label "2022"; or a new term's five years, label "2021-2025"), "half" (label
    "2023H1"/"2023H2") or "plan" (a five-year plan, label "十四五", years 2021–2025). `start_year`/`end_year`
    are inclusive.
    """

    kind: str
    label: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class Metadata:
    """What the text itself says about the report. Every field may be missing (None / empty)."""

    title: str | None = None
    town: str | None = None  # e.g. "大场镇" (town, district or street)
    date: str | None = None  # ISO date of delivery, e.g. "2023-01-12"; "2024-01" when the report gives no day
    meeting: str | None = None  # e.g. "大场镇第六届人民代表大会第三次会议"
    speaker: str | None = None
    role: str | None = None  # e.g. "镇长"
    periods_reviewed: tuple[Period, ...] = ()
    periods_planned: tuple[Period, ...] = ()
    #: How the file was read (not said by the text): "text", "pdf", "docx", "doc", "html" or "ocr" (a scanned
    #: PDF read by OCR), its page count (PDF only) and whether its text came from OCR.
    file_format: str = "text"
    pages: int | None = None
    ocr: bool = False


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the clean text (`text[start:end]`, paragraphs are separated by a newline).

    `markup_level` is the level a markdown `#` heading gave it (1 for `#`), `bold_lead` the length of
    a bold span it opened with (0 if none): hints for the section tree that do not survive cleaning.
    """

    start: int
    end: int
    markup_level: int = 0
    bold_lead: int = 0


@dataclass(frozen=True)
class Section:
    """A node of the section tree.

    `level`: 1 part (一、), 2 chapter (（一）), 3 numbered item (1. /（1）/①), 4 lead-sentence item;
    markdown `#` headings and other styles map onto the same levels. `path` is the headings from the
    top down to and including this one. `start`/`end` are offsets into the clean text covering the
    heading and everything under it.
    """

    heading: str
    level: int
    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: lies within one section, its text exactly `document.text[start:end]`."""

    id: str  # stable: f"{source}#{ordinal}"
    source: str  # the report's file name
    section_path: tuple[str, ...]
    text: str
    start: int
    end: int
    footnotes: tuple[Footnote, ...] = ()
    #: The pages the text was printed on (first and last), for formats with pages (PDF); else None.
    page: int | None = None
    page_end: int | None = None
    #: For a window of a text without headings other than its first: the text's opening sentence, which
    #: names what the text is about (a report's section path does that for its chunks). Embedded and
    #: tokenized with the window (`qa.index.embedding_text`), never shown.
    opening: str = ""

    @property
    def text_with_opening(self) -> str:
        """The opening (if any) and the text: what the passage's character pairs (`qa.pairs`) are read
        from, since BM25 and the embedder read the opening too."""
        return f"{self.opening}\n{self.text}" if self.opening else self.text


@dataclass(frozen=True)
class Document:
    source: str  # file name, e.g. "000_273361674173251b.txt"
    sha256: str  # of the file's bytes
    text: str  # the clean body: no markup, no footnote markers or definitions
    metadata: Metadata
    style: str  # the export style detected from the text: "markdown", "word", "pdf" or "plain"
    footnotes: tuple[Footnote, ...]
    sections: tuple[Section, ...]
    chunks: tuple[Chunk, ...]


def page_label(page: int | None, page_end: int | None = None) -> str:
    """「第 3 页」, 「第 3–4 页」 for a passage across a page break, "" without pages."""
    if page is None:
        return ""
    if page_end is not None and page_end != page:
        return f"第 {page}–{page_end} 页"
    return f"第 {page} 页"


def document_years(meta: Metadata) -> set[int]:
    """Every year a report is about: its date's, and those of the periods it reviews or plans."""
    years = set()
    for period in (*meta.periods_reviewed, *meta.periods_planned):
        years.update(range(period.start_year, period.end_year + 1))
    if meta.date:
        years.add(int(meta.date[:4]))
    return years
