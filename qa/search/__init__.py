"""Search: a question's reading → candidates from the stores → fused, cited hits.

`retriever` holds `Retriever` (an index on disk: FAISS and BM25 in memory) and what both retrievers
share; `milvus` holds `MilvusRetriever`, the same over a Milvus store's candidates; `loaded` keeps the
process-wide retriever of each index and picks which kind from the settings. The names below are the
package's API.
"""

from __future__ import annotations

from qa.search.loaded import get_retriever, open_retriever, release_retriever, reload_retriever, retrieve
from qa.search.milvus import MilvusRetriever
from qa.search.retriever import CANDIDATES, Hit, Retriever, SearchResult

__all__ = [
    "CANDIDATES",
    "Hit",
    "MilvusRetriever",
    "Retriever",
    "SearchResult",
    "get_retriever",
    "open_retriever",
    "release_retriever",
    "reload_retriever",
    "retrieve",
]
