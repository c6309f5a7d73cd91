"""report-qa: ask questions of Chinese government work reports, get cited passages.

    >>> from qa import ask, retrieve
    >>> ask("大场镇2022年引进了多少家企业？").answer

The public surface is these five names. They are imported on first use, so that `qa.settings` or
`qa.ingest` can be used without loading FAISS, BM25 or torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.answer import Answer, ask
    from qa.search import Hit, Retriever, retrieve

__all__ = ["Answer", "Hit", "Retriever", "ask", "retrieve"]

_HOMES = {
    "Answer": "qa.answer",
    "ask": "qa.answer",
    "Hit": "qa.search",
    "Retriever": "qa.search",
    "retrieve": "qa.search",
}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
