"""The dense index for a matrix of passage vectors: exact below a size threshold, HNSW above it.

Vectors are L2-normalized float32, so inner product is cosine. An exact `IndexFlatIP` search costs
O(n·d) per query: measured on two shared cores (bench/results/scale.json, k = 256 as `qa.search` asks)
about 0.15 ms at 2k vectors, 16 ms at 20k and 30 ms at 200k (faiss's OpenMP threads fighting for two
busy cores inflate these; one thread gave ~6 ms at 20k) — over the 20 ms budget well before 100k.
So the exact index (smallest, builds instantly, no recall loss) is used up to `FLAT_MAX_VECTORS`, and
above it an `IndexHNSWFlat` over inner product with M = 32, efConstruction = 80, efSearch = 128:
recall@10 against the exact index 1.00 at 20k and 0.975 at 200k vectors (efSearch 64 fell to 0.92
there, 32 to 0.77), at 0.3–0.9 ms a query, on passage-like synthetic vectors. `qa.search` asks for
256 candidates and faiss searches with max(efSearch, k), so its recall is higher still. Building
costs ~3 s per 20k and ~50 s per 200k vectors; memory ≈ 1.18 × the flat index.

Both kinds keep the raw vectors, so `index.reconstruct_n` works on either (the incremental build
reuses vectors that way), and `faiss.write_index` stores `efSearch` with the index.
"""

from __future__ import annotations

import faiss
import numpy as np

#: Up to this many vectors the exact index is used.
FLAT_MAX_VECTORS = 20_000
#: HNSW graph degree (neighbours per node on the upper layers; 2·M on the base layer).
HNSW_M = 32
#: Beam width while building the graph.
HNSW_EF_CONSTRUCTION = 80
#: Beam width while searching (faiss uses max(efSearch, k)).
HNSW_EF_SEARCH = 128


def build_dense_index(
    vectors: np.ndarray,
    *,
    flat_max: int = FLAT_MAX_VECTORS,
    m: int = HNSW_M,
    ef_construction: int = HNSW_EF_CONSTRUCTION,
    ef_search: int = HNSW_EF_SEARCH,
) -> faiss.Index:
    """An inner-product FAISS index holding `vectors` (n × d, L2-normalized): `IndexFlatIP` when
    n ≤ `flat_max`, else `IndexHNSWFlat` with the given graph parameters."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError(f"expected an (n, d) matrix of vectors, got shape {matrix.shape}")
    n, dimension = matrix.shape
    if n <= flat_max:
        index: faiss.Index = faiss.IndexFlatIP(dimension)
    else:
        hnsw = faiss.IndexHNSWFlat(dimension, m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = ef_construction
        hnsw.hnsw.efSearch = ef_search
        index = hnsw
    index.add(matrix)
    return index


def index_kind(index: faiss.Index) -> str:
    """"flat" or "hnsw" (or the class name for anything else)."""
    if isinstance(index, faiss.IndexFlat):
        return "flat"
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    return type(index).__name__
