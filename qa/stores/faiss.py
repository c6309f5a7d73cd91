"""The FAISS dense store: exact below a size threshold, HNSW above it.

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

Both kinds keep the raw vectors, so `get` works on either (the incremental build reuses vectors that
way), and `faiss.write_index` stores `efSearch` with the index. On disk: `dense.faiss`, and
`dense.ids.npy` only when the ids are not the rows' positions (an index as `qa build` writes it never
needs one).
"""

from __future__ import annotations

from pathlib import Path

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

INDEX_FILE = "dense.faiss"
IDS_FILE = "dense.ids.npy"


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


class FaissStore:
    """A `DenseStore` over a FAISS index; rows map to ids (the identity unless ids were given)."""

    kind = "faiss"

    def __init__(self, index: faiss.Index, ids: np.ndarray | None = None) -> None:
        if ids is not None and len(ids) != index.ntotal:
            raise ValueError(f"{len(ids)} ids for {index.ntotal} vectors")
        self.index = index
        self._ids = _unless_identity(ids)

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray | None = None, **options: int) -> FaissStore:
        """A store holding `vectors` under `ids` (default: their positions); `options` go to
        `build_dense_index` (the exact/HNSW threshold and graph parameters)."""
        return cls(build_dense_index(vectors, **options), ids)

    @classmethod
    def load(cls, directory: Path) -> FaissStore:
        index = faiss.read_index(str(directory / INDEX_FILE))
        ids_path = directory / IDS_FILE
        return cls(index, np.load(ids_path) if ids_path.exists() else None)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def index_kind(self) -> str:
        """"flat" or "hnsw"."""
        return index_kind(self.index)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def _row_ids(self) -> np.ndarray:
        return np.arange(len(self), dtype=np.int64) if self._ids is None else self._ids

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), -1)
        if len(np.unique(ids)) != len(ids) or np.isin(ids, self._row_ids()).any():
            raise ValueError("ids must be distinct and not in the store yet")
        new_ids = np.concatenate([self._row_ids(), ids])
        self.index.add(matrix)
        self._ids = _unless_identity(new_ids)

    def remove(self, ids: np.ndarray) -> None:
        row_ids = self._row_ids()
        keep = ~np.isin(row_ids, np.asarray(ids, dtype=np.int64))
        if keep.all():
            return
        # rebuilt from the kept vectors: HNSW cannot remove, and a flat index would renumber its rows
        vectors = self.index.reconstruct_n(0, len(self))[keep]
        self.index = build_dense_index(vectors) if len(vectors) else faiss.IndexFlatIP(self.dimension)
        self._ids = _unless_identity(row_ids[keep])

    def get(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if self._ids is None:
            if len(ids) and (ids.min() < 0 or ids.max() >= len(self)):
                raise KeyError("unknown id")
            rows = ids
        else:
            position = {int(i): row for row, i in enumerate(self._ids)}
            rows = np.array([position[int(i)] for i in ids], dtype=np.int64)
        if not len(rows):
            return np.zeros((0, self.dimension), dtype=np.float32)
        if np.array_equal(rows, np.arange(rows[0], rows[0] + len(rows))):
            return self.index.reconstruct_n(int(rows[0]), len(rows))
        return self.index.reconstruct_batch(rows)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        scores, rows = self.index.search(np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32), k)
        if self._ids is None:
            return scores, rows
        return scores, np.where(rows >= 0, self._ids[np.maximum(rows, 0)], -1)

    def save(self, directory: Path) -> None:
        faiss.write_index(self.index, str(directory / INDEX_FILE))
        if self._ids is not None:
            np.save(directory / IDS_FILE, self._ids)


def _unless_identity(ids: np.ndarray | None) -> np.ndarray | None:
    """None when `ids` are 0..n-1 in order (rows are ids), else the ids as int64."""
    if ids is None:
        return None
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    return None if np.array_equal(ids, np.arange(len(ids))) else ids
