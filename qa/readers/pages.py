"""Page numbers for a document's chunks: where each character of the clean text was printed.

The cleaner only removes and joins (markup, markers, footnote lines, line breaks inside paragraphs),
so the clean text is, up to whitespace, a subsequence of the decoded text; a greedy walk with a short
look-ahead maps every clean offset to a decoded offset, and `Decoded.page_at` gives its page.
"""

from __future__ import annotations

from dataclasses import replace

from qa.documents import Document
from qa.readers.base import Decoded

#: How far ahead in the decoded text the next clean character is looked for (markers, markup).
LOOKAHEAD = 64


def decoded_offsets(clean: str, decoded: str) -> list[int]:
    """For each offset of `clean`, the offset of the same character in `decoded` (whitespace gets the
    offset of the character before it)."""
    positions = [0] * (len(clean) + 1)
    cursor = 0
    last = 0
    for index, char in enumerate(clean):
        if not char.isspace():
            found = decoded.find(char, cursor, cursor + LOOKAHEAD)
            if found >= 0:
                last = found
                cursor = found + 1
        positions[index] = last
    positions[len(clean)] = last
    return positions


def with_pages(document: Document, decoded: Decoded) -> Document:
    """The document with each chunk's first and last page (unchanged when the format has no pages)."""
    if not decoded.page_starts:
        return document
    positions = decoded_offsets(document.text, decoded.text)
    chunks = tuple(
        replace(chunk, page=decoded.page_at(positions[chunk.start]),
                page_end=decoded.page_at(positions[max(chunk.start, chunk.end - 1)]))
        for chunk in document.chunks
    )
    return replace(document, chunks=chunks)
