"""Part 4 — search time and memory as the corpus grows: 50, 500, 5000 reports (~40 chunks each).

Synthetic corpora made from the seed index's chunks, so the run takes minutes, not hours:

- BM25: each synthetic report copies the jieba tokens of ~40 seed chunks, perturbed (numbers replaced
  by random ones, ~15% of tokens dropped, a per-report name token added), indexed with bm25s exactly
  as `qa.index` does; timed with `get_scores` (what `qa.search` calls) for the dev questions' tokens.
- dense: random unit 384-d vectors with the structure of real passages — one random centre per report
  and noise around it — instead of embedding 200k passages. Queries are perturbed corpus vectors.
  FAISS `IndexFlatIP` (exact) against `IndexHNSWFlat` (inner product, the `qa.stores.faiss` parameters and
  a sweep of efSearch) and `IndexIVFFlat` (inner product; nlist ≈ 4·√n, a sweep of nprobe): build
  time, memory (serialized size), search time for one query with k=256 (the candidates `qa.search`
  asks for) and k=10, and recall@10 against the exact index.

Writes bench/results/scale.json and scale.png (latency against corpus size).
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

import faiss
import numpy as np

from bench.common import (
    DEV_QUESTIONS,
    RESULTS_DIR,
    log,
    percentile,
    rss_mb_now,
    table,
    time_question,
    write_result,
)
from qa.search import CANDIDATES
from qa.stores import faiss as faiss_store
from qa.text import normalize_question

CHUNKS_PER_REPORT = 40
DIMENSION = 384
QUERIES = 60
TOPICS = 64
HNSW_EF_SEARCH = (32, 64, 128)
IVF_NPROBE = (8, 16, 32)


def _unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def synthetic_vectors(reports: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(corpus, queries): unit vectors with passage-like structure — a topic shared across reports
    (TOPICS of them), a report component and per-chunk noise of comparable weight, so that passages of
    many reports on the same topic compete for the top 10 (the hard case for approximate search).
    Queries are drawn from the same distribution (a random report and topic), not copied from the
    corpus, so their neighbours are not one obvious near-duplicate."""
    n = reports * CHUNKS_PER_REPORT
    topics = _unit(rng.standard_normal((TOPICS, DIMENSION), dtype=np.float32))
    centres = _unit(rng.standard_normal((reports, DIMENSION), dtype=np.float32))

    def draw(owner: np.ndarray) -> np.ndarray:
        noise = _unit(rng.standard_normal((len(owner), DIMENSION), dtype=np.float32))
        topic = topics[rng.integers(0, TOPICS, len(owner))]
        return _unit(topic + 0.6 * centres[owner] + 0.9 * noise)

    corpus = np.empty((n, DIMENSION), dtype=np.float32)
    step = 50_000
    for start in range(0, n, step):
        stop = min(n, start + step)
        corpus[start:stop] = draw(np.arange(start, stop) // CHUNKS_PER_REPORT)
    return corpus, draw(rng.integers(0, reports, QUERIES))


def synthetic_tokens(seed_tokens: list[list[str]], reports: int, rng: np.random.Generator) -> list[list[str]]:
    corpus = []
    for report in range(reports):
        name = f"报告{report}号"
        picks = rng.integers(0, len(seed_tokens), CHUNKS_PER_REPORT)
        for pick in picks:
            tokens = seed_tokens[int(pick)]
            keep = rng.random(len(tokens)) > 0.15
            out = [name]
            for token, kept in zip(tokens, keep, strict=True):
                if not kept:
                    continue
                out.append(str(int(rng.integers(1, 10_000))) if token[:1].isdigit() else token)
            corpus.append(out)
    return corpus


def _time_searches(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    seconds, found = [], []
    for query in queries:
        started = time.perf_counter()
        _, ids = index.search(query[None, :], k)
        seconds.append(time.perf_counter() - started)
        found.append(ids[0][:10])
    return seconds, np.array(found)


def _recall(truth: np.ndarray, found: np.ndarray) -> float:
    return float(np.mean([len(set(t) & set(f)) / len(t) for t, f in zip(truth, found, strict=True)]))


def _size_mb(index: faiss.Index) -> float:
    return len(faiss.serialize_index(index)) / 2**20


def dense_at(reports: int, rng: np.random.Generator) -> dict[str, Any]:
    corpus, queries = synthetic_vectors(reports, rng)
    n = len(corpus)
    results: dict[str, Any] = {"vectors": n}

    started = time.perf_counter()
    flat = faiss.IndexFlatIP(DIMENSION)
    flat.add(corpus)
    build = time.perf_counter() - started
    _, truth = flat.search(queries, 10)
    t256, _ = _time_searches(flat, queries, min(n, CANDIDATES))
    t10, _ = _time_searches(flat, queries, 10)
    results["flat"] = {"build_s": build, "size_mb": _size_mb(flat), "p50_ms_k256": percentile(t256, 50) * 1000,
                       "p50_ms_k10": percentile(t10, 50) * 1000, "recall@10": 1.0}
    del flat

    rss = rss_mb_now()
    started = time.perf_counter()
    hnsw = faiss_store.build_dense_index(corpus, flat_max=0)
    build = time.perf_counter() - started
    entry: dict[str, Any] = {"m": faiss_store.HNSW_M, "ef_construction": faiss_store.HNSW_EF_CONSTRUCTION,
                             "build_s": build, "size_mb": _size_mb(hnsw), "rss_delta_mb": rss_mb_now() - rss,
                             "sweep": {}}
    for ef in HNSW_EF_SEARCH:
        hnsw.hnsw.efSearch = ef
        t10, found = _time_searches(hnsw, queries, 10)
        t256, _ = _time_searches(hnsw, queries, min(n, CANDIDATES))
        entry["sweep"][ef] = {"p50_ms_k10": percentile(t10, 50) * 1000, "p50_ms_k256": percentile(t256, 50) * 1000,
                              "recall@10": _recall(truth, found)}
    default = entry["sweep"].get(faiss_store.HNSW_EF_SEARCH) or entry["sweep"][max(HNSW_EF_SEARCH)]
    entry.update(ef_search=faiss_store.HNSW_EF_SEARCH, **default)
    results["hnsw"] = entry
    del hnsw

    nlist = max(16, int(4 * math.sqrt(n)))
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIMENSION)
    ivf = faiss.IndexIVFFlat(quantizer, DIMENSION, nlist, faiss.METRIC_INNER_PRODUCT)
    train = corpus[rng.choice(n, size=min(n, max(nlist * 39, 10_000)), replace=False)]
    ivf.train(train)
    ivf.add(corpus)
    build = time.perf_counter() - started
    entry = {"nlist": nlist, "build_s": build, "size_mb": _size_mb(ivf), "sweep": {}}
    for nprobe in IVF_NPROBE:
        ivf.nprobe = nprobe
        t10, found = _time_searches(ivf, queries, 10)
        t256, _ = _time_searches(ivf, queries, min(n, CANDIDATES))
        entry["sweep"][nprobe] = {"p50_ms_k10": percentile(t10, 50) * 1000,
                                  "p50_ms_k256": percentile(t256, 50) * 1000, "recall@10": _recall(truth, found)}
    good = [p for p in IVF_NPROBE if entry["sweep"][p]["recall@10"] >= 0.95]
    chosen = good[0] if good else max(IVF_NPROBE)
    entry.update(nprobe=chosen, **entry["sweep"][chosen])
    results["ivf"] = entry
    return results


def bm25_at(reports: int, seed_tokens: list[list[str]], query_tokens: list[list[str]],
            rng: np.random.Generator) -> dict[str, Any]:
    import bm25s

    corpus = synthetic_tokens(seed_tokens, reports, rng)
    rss = rss_mb_now()
    started = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    build = time.perf_counter() - started
    del corpus
    grown = rss_mb_now() - rss
    seconds = []
    for tokens in query_tokens:
        started = time.perf_counter()
        bm25.get_scores(tokens)
        seconds.append(time.perf_counter() - started)
    return {"build_s": build, "rss_delta_mb": grown, "p50_ms": percentile(seconds, 50) * 1000,
            "p95_ms": percentile(seconds, 95) * 1000}


def estimate(sizes: list[int], values: list[float], at: int) -> float:
    """Interpolate (or extrapolate from the two largest sizes) linearly in n — exact search and BM25
    scoring are linear in the corpus size."""
    points = sorted(zip(sizes, values, strict=True))
    for (n0, v0), (n1, v1) in itertools.pairwise(points):
        if n0 <= at <= n1:
            return v0 + (v1 - v0) * (at - n0) / (n1 - n0)
    (n0, v0), (n1, v1) = points[-2], points[-1]
    return v1 + (v1 - v0) / (n1 - n0) * (at - n1)


def _plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["chunks"] for r in rows]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    series = {
        "FAISS flat (exact), k=256": [r["dense"]["flat"]["p50_ms_k256"] for r in rows],
        f"FAISS HNSW M={faiss_store.HNSW_M}, efSearch={faiss_store.HNSW_EF_SEARCH}, k=256":
            [r["dense"]["hnsw"]["p50_ms_k256"] for r in rows],
        "FAISS IVF (nprobe for recall ≥ .95), k=256": [r["dense"]["ivf"]["p50_ms_k256"] for r in rows],
        "BM25 get_scores (bm25s)": [r["bm25"]["p50_ms"] for r in rows],
    }
    for label, values in series.items():
        axis.plot(sizes, values, marker="o", label=label)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("chunks in the corpus")
    axis.set_ylabel("p50 latency per query (ms)")
    axis.set_title("report-qa retrieval latency vs corpus size (synthetic, 2 CPU cores)")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    figure.savefig(RESULTS_DIR / "scale.png", dpi=120)
    plt.close(figure)


def run(retriever: Any = None, *, quick: bool = False) -> dict[str, Any]:
    from qa.evaluate import load_questions
    from qa.index import embedding_text, load_index
    from qa.settings import Settings

    index = load_index(Settings.from_env().index_dir)
    seed_tokens = [index.tokenizer.tokenize(embedding_text(c, index.documents[c.source].metadata))
                   for c in index.chunks]
    query_tokens = [t for t in (index.tokenizer.tokenize(normalize_question(q.question))
                                for q in load_questions(DEV_QUESTIONS)) if t]
    rng = np.random.default_rng(7)
    report_counts = [50, 500] if quick else [50, 500, 5000]
    rows = []
    for reports in report_counts:
        log(f"scale: {reports} reports ({reports * CHUNKS_PER_REPORT} chunks)")
        row = {"reports": reports, "chunks": reports * CHUNKS_PER_REPORT,
               "dense": dense_at(reports, rng), "bm25": bm25_at(reports, seed_tokens, query_tokens, rng)}
        rows.append(row)
    _plot(rows)

    sizes = [r["chunks"] for r in rows]
    at = 100_000
    tiled: dict[str, Any] | None = None
    if retriever is not None:
        factor = max(1, round((20_000 if quick else at) / len(index.chunks)))
        log(f"scale: Retriever.search over the seed index tiled ×{factor}")
        dev = [q.question for q in load_questions(DEV_QUESTIONS)]
        try:
            tiled = retriever_at(retriever, factor, dev[:: max(1, len(dev) // 10)][:10])
        except (AttributeError, TypeError) as error:  # the retriever's internals changed
            tiled = {"error": f"{type(error).__name__}: {error}"}
    estimates = {
        "chunks": at,
        "flat_k256_ms": estimate(sizes, [r["dense"]["flat"]["p50_ms_k256"] for r in rows], at),
        "bm25_ms": estimate(sizes, [r["bm25"]["p50_ms"] for r in rows], at),
        "hnsw_k256_ms": (estimate(sizes, [r["dense"]["hnsw"]["p50_ms_k256"] for r in rows], at)
                         if quick else None),
        "method": "linear in n between (or beyond) the measured sizes",
    }
    if not quick:  # HNSW grows ~log n: interpolate in log n between 20k and 200k
        (n0, v0), (n1, v1) = [(r["chunks"], r["dense"]["hnsw"]["p50_ms_k256"]) for r in rows[-2:]]
        estimates["hnsw_k256_ms"] = v0 + (v1 - v0) * (math.log(at) - math.log(n0)) / (math.log(n1) - math.log(n0))
    if tiled and "search_p50_ms" in tiled:
        rest = tiled["non_embedding_non_dense_p50_ms"]
        estimates["fusion_and_rest_ms"] = rest * (at / tiled["chunks"] if tiled["chunks"] < at * 0.9 else 1.0)
        estimates["fusion_method"] = (f"measured: Retriever.search over the seed index tiled to {tiled['chunks']:,} "
                                      "chunks, minus query embedding and dense search"
                                      + (", scaled linearly to 100k" if tiled["chunks"] < at * 0.9 else ""))
    chosen = "flat" if at <= faiss_store.FLAT_MAX_VECTORS else "hnsw"
    estimates["qa_vectors_choice"] = chosen
    estimates["dense_ms"] = estimates["flat_k256_ms"] if chosen == "flat" else estimates["hnsw_k256_ms"]
    payload = {
        "chunks_per_report": CHUNKS_PER_REPORT,
        "dimension": DIMENSION,
        "queries": QUERIES,
        "candidates": CANDIDATES,
        "qa_vectors": {"flat_max": faiss_store.FLAT_MAX_VECTORS, "m": faiss_store.HNSW_M,
                       "ef_construction": faiss_store.HNSW_EF_CONSTRUCTION, "ef_search": faiss_store.HNSW_EF_SEARCH},
        "rows": rows,
        "tiled_retriever": tiled,
        "estimate_100k": estimates,
        "plot": "bench/results/scale.png",
    }
    write_result("scale", payload)

    dense_rows = []
    for r in rows:
        d = r["dense"]
        dense_rows.append((r["reports"], r["chunks"], "flat", d["flat"]["build_s"], d["flat"]["size_mb"],
                           d["flat"]["p50_ms_k10"], d["flat"]["p50_ms_k256"], 1.0))
        for ef, s in d["hnsw"]["sweep"].items():
            dense_rows.append((r["reports"], r["chunks"], f"hnsw M={d['hnsw']['m']} ef={ef}", d["hnsw"]["build_s"],
                               d["hnsw"]["size_mb"], s["p50_ms_k10"], s["p50_ms_k256"], s["recall@10"]))
        for nprobe, s in d["ivf"]["sweep"].items():
            dense_rows.append((r["reports"], r["chunks"], f"ivf nlist={d['ivf']['nlist']} nprobe={nprobe}",
                               d["ivf"]["build_s"], d["ivf"]["size_mb"], s["p50_ms_k10"], s["p50_ms_k256"],
                               s["recall@10"]))
    bm25_rows = [(r["reports"], r["chunks"], r["bm25"]["build_s"], r["bm25"]["rss_delta_mb"], r["bm25"]["p50_ms"],
                  r["bm25"]["p95_ms"]) for r in rows]
    text = (
        "### Scale — synthetic corpora (dense: random clustered unit vectors; BM25: perturbed seed tokens)\n\n"
        + table(["reports", "chunks", "dense index", "build s", "size MiB", "p50 ms k=10", "p50 ms k=256",
                 "recall@10"], dense_rows)
        + "\n\n"
        + table(["reports", "chunks", "BM25 build s", "BM25 RSS Δ MiB", "get_scores p50 ms", "p95 ms"], bm25_rows)
        + f"\n\nAt 100k chunks (estimated): flat k=256 {estimates['flat_k256_ms']:.1f} ms, "
        f"HNSW k=256 {estimates['hnsw_k256_ms']:.1f} ms, BM25 {estimates['bm25_ms']:.1f} ms; "
        f"qa.stores.faiss picks {chosen} there (flat up to {faiss_store.FLAT_MAX_VECTORS:,} vectors). "
        "Plot: bench/results/scale.png"
    )
    if tiled and "search_p50_ms" in tiled:
        text += "\n\n" + table(
            ["Retriever.search over tiled seed index", "chunks", "search p50 ms", "query embed p50 ms",
             "dense (flat) p50 ms", "BM25 p50 ms", "search − embed − dense p50 ms"],
            [("real fusion + steering + highlight", tiled["chunks"], tiled["search_p50_ms"], tiled["embed_p50_ms"],
              tiled["dense_p50_ms"], tiled["bm25_p50_ms"], tiled["non_embedding_non_dense_p50_ms"])])
    elif tiled:
        text += f"\n\nNote: tiled Retriever not measured ({tiled['error']})"
    payload["markdown"] = text
    return payload


def retriever_at(retriever: Any, factor: int, questions: list[str]) -> dict[str, Any]:
    """The real `Retriever.search` over the seed index tiled `factor` times (chunks, vectors, BM25
    documents repeated), so that the per-chunk work of fusion and steering is measured, not guessed.
    Dense search here is exact (flat); the non-embedding time without it is what the scale estimate
    adds to the chosen dense index's time. The seed retriever itself is left as it is."""
    import dataclasses

    from qa.index import embedding_text
    from qa.search import Retriever
    from qa.stores import build_dense, build_lexical

    index = retriever.index
    chunks = list(index.chunks) * factor
    vectors = index.dense.get(np.arange(len(index.dense)))
    dense = build_dense(np.tile(vectors, (factor, 1)), flat_max=len(chunks))  # exact, as documented above
    tokens = [index.tokenizer.tokenize(embedding_text(c, index.documents[c.source].metadata)) for c in index.chunks]
    lexical = build_lexical(tokens * factor)
    big = Retriever(retriever.settings, index=dataclasses.replace(index, chunks=chunks, dense=dense, lexical=lexical))
    rows: dict[str, list[float]] = {"search": [], "embed": [], "dense": [], "bm25": [], "non_embedding_non_dense": []}
    big.search(questions[0], 5)
    for question in questions:
        t = time_question(big, question)
        for part in ("embed", "dense", "bm25", "search"):
            rows[part].append(t[part])
        rows["non_embedding_non_dense"].append(max(0.0, t["search"] - t["calls"] * (t["embed"] + t["dense"])))
    return {"chunks": len(chunks), "factor": factor, "questions": len(questions),
            **{f"{k}_p50_ms": percentile(v, 50) * 1000 for k, v in rows.items()}}
