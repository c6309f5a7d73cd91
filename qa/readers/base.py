"""What every reader returns, and the error it raises.

A reader turns a file into `Decoded`: the report as lines of text in the dialect the cleaner of
`qa.ingest` reads (one paragraph a line; a bold lead sentence as `**…**`; a heading of a known level
as `#`…; a footnote marker as `<sup>N</sup>` and its definition as a line `<sup>N</sup> text`), plus
where each page starts. Everything after reading — cleaning, sections, chunks, index, search — never
sees the file's format.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


class IngestError(ValueError):
    """A report that cannot be read or understood; the message names the file and says what to do."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may cost to read (hostile or broken files stop here, with a message)."""

    #: Pages of a PDF with a text layer.
    max_pages: int = 300
    #: Pages of a scanned PDF (OCR costs seconds a page).
    max_ocr_pages: int = 60
    #: Bytes a DOCX may unpack to (a zip bomb stops here, before anything is inflated).
    max_unpacked_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class Decoded:
    """A report file decoded.

    `text`: lines for the cleaner (see the module docstring). `format`: "text", "pdf", "ofd", "docx", "doc"
    (Word 97–2003), "odt", "rtf", "html", "epub" or "ocr" (a scanned PDF, or an image). `page_starts`: (offset in `text`, page number)
    where each page begins, ascending; empty for formats without pages. `pages`: the page count, None
    without pages.
    """

    text: str
    format: str
    page_starts: tuple[tuple[int, int], ...] = ()
    pages: int | None = None

    @property
    def ocr(self) -> bool:
        return self.format == "ocr"

    def page_at(self, offset: int) -> int | None:
        """The page the character at `offset` of `text` was printed on."""
        if not self.page_starts:
            return None
        index = bisect.bisect_right([start for start, _ in self.page_starts], offset) - 1
        return self.page_starts[max(0, index)][1]


def paragraph_line(label: str, pieces: list[tuple[str, bool]], level: int) -> str:
    """A word processor's paragraph as a line of the dialect above: `pieces` are its runs of text in order,
    each with whether it is drawn bold; `label` its drawn list number. A heading of `level` (1…) becomes
    `#`… and its text; a paragraph that starts with a bold run shorter than itself, `**lead**rest` (the
    cleaner reads that lead as the paragraph's own heading). Blank runs before the lead do not end it.
    An empty paragraph without a number is ""."""
    body = "".join(text for text, _ in pieces).strip()
    if not body and not label:
        return ""
    if level:
        return f"{'#' * min(level, 6)} {label}{body}"
    lead = ""
    for text, bold in pieces:
        if not bold and (lead or text.strip()):
            break
        lead += text
    lead = lead.strip()
    if 2 <= len(lead) < len(body) and body.startswith(lead):
        return f"{label}**{lead}**{body[len(lead):]}"
    return f"{label}{body}"
