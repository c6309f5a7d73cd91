"""Part 7 — the FAISS store against a Milvus store, and Ray against in-process embedding (README
"Scaling out").

Stores, at 10k and 100k synthetic passages (quick: 2k and 10k): the corpora of bench/scale.py — random
384-d unit vectors with passage-like structure, and the seed passages' jieba tokens perturbed per
synthetic report — so nothing is embedded. Each side runs in a fresh process so that its memory can be
read:

- FAISS: `qa.stores` as `qa build` makes them (exact index up to 20k vectors, HNSW above; bm25s),
  built and saved by one process, loaded and queried by another (the serving process, which holds them).
- Milvus: a Milvus Lite server in a process of its own (what a Milvus standalone is to report-qa: a
  gRPC endpoint), filled through `qa.stores.milvus.MilvusStore` (HNSW and a BM25 function over the
  jieba-analyzed tokens, as `qa build --store` makes them) by a client process, queried by another
  client (the serving process, which holds no passage).

Measured: build time (FAISS: index + BM25 in memory; Milvus: insert, flush, index and load through the
server), query time p50/p95 for one question's two searches (dense k=256 + BM25 — `qa.search`'s
candidates), recall@10 of the dense search against exact search, and the serving process' RSS (and the
Milvus Lite server's).

Embedding: the seed passages embedded in-process (ONNX Runtime, every core; and one thread, what one
Ray actor runs) and with Ray Data (`qa.ray_embedding`, one actor per core, one thread each) on a local
Ray instance: passages a second, and the Ray instance's start-up apart. On this machine's two shared cores Ray can show its overhead,
not a speed-up: the speed-up comes from more machines.

Writes bench/results/stores.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import DEV_QUESTIONS, PROJECT_ROOT, log, percentile, rss_mb_now, table, write_result

QUERIES = 60
K = 256  # the candidates `qa.search` asks each search for
SEED = 11


# ---------------------------------------------------------------- the synthetic corpus (every process makes the same)


def corpus(passages: int) -> tuple[np.ndarray, list[list[str]], np.ndarray, list[list[str]]]:
    """(vectors, tokens, query vectors, query tokens) for `passages` synthetic passages."""
    from bench.scale import CHUNKS_PER_REPORT, synthetic_tokens, synthetic_vectors
    from bench.scale import QUERIES as SCALE_QUERIES
    from qa.evaluate import load_questions
    from qa.index import embedding_text, load_index
    from qa.settings import Settings
    from qa.text import normalize_question

    assert SCALE_QUERIES == QUERIES
    index = load_index(Settings.from_env().index_dir)
    seed_tokens = [index.tokenizer.tokenize(embedding_text(c, index.documents[c.source].metadata)) for c in index.chunks]
    questions = [t for t in (index.tokenizer.tokenize(normalize_question(q.question)) for q in load_questions(DEV_QUESTIONS)) if t]
    rng = np.random.default_rng(SEED)
    reports = passages // CHUNKS_PER_REPORT
    vectors, queries = synthetic_vectors(reports, rng)
    tokens = synthetic_tokens(seed_tokens, reports, rng)
    return vectors, tokens, queries, [questions[i % len(questions)] for i in range(QUERIES)]


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1)[:, :10]


def recall(truth: np.ndarray, found: list[list[int]]) -> float:
    return float(np.mean([len(set(t.tolist()) & set(f[:10])) / 10 for t, f in zip(truth, found, strict=True)]))


def _ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2)}


# ---------------------------------------------------------------- workers (each in a process of its own)


def _save_queries(folder: Path, queries: np.ndarray, query_tokens: list[list[str]], truth: np.ndarray) -> None:
    np.save(folder / "queries.npy", queries)
    np.save(folder / "truth.npy", truth)
    (folder / "query_tokens.json").write_text(json.dumps(query_tokens, ensure_ascii=False), encoding="utf-8")


def _load_queries(folder: Path) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
    tokens = json.loads((folder / "query_tokens.json").read_text(encoding="utf-8"))
    return np.load(folder / "queries.npy"), tokens, np.load(folder / "truth.npy")


def faiss_build_worker(passages: int, folder: Path) -> dict[str, Any]:
    """Build the FAISS and bm25s stores as `qa build` does, and save them (and the queries) in `folder`."""
    from qa.stores import build_dense, build_lexical

    vectors, tokens, queries, query_tokens = corpus(passages)
    _save_queries(folder, queries, query_tokens, exact_top10(vectors, queries))
    started = time.perf_counter()
    dense = build_dense(vectors)
    lexical = build_lexical(tokens)
    build_s = time.perf_counter() - started
    dense.save(folder)
    lexical.save(folder)
    return {"build_s": round(build_s, 2)}


def faiss_serve_worker(folder: Path) -> dict[str, Any]:
    """Load the saved stores as a serving process does, and time the questions."""
    from qa.stores.bm25 import Bm25Store
    from qa.stores.faiss import FaissStore

    queries, query_tokens, truth = _load_queries(folder)
    before = rss_mb_now()
    dense, lexical = FaissStore.load(folder), Bm25Store.load(folder)
    seconds, found = [], []
    for query, words in zip(queries, query_tokens, strict=True):
        started = time.perf_counter()
        _, ids = dense.search(query[None, :], K)
        lexical.score(words)
        seconds.append(time.perf_counter() - started)
        found.append(ids[0].tolist())
    return {**_ms(seconds), "recall@10": round(recall(truth, found), 3),
            "serving_rss_mb": round(rss_mb_now(), 1), "stores_rss_mb": round(rss_mb_now() - before, 1)}


def milvus_server_worker(path: str) -> None:
    """A Milvus Lite server on a free port (printed), until killed."""
    from milvus_lite.adapter.grpc.server import start_server_in_thread

    server, database, port = start_server_in_thread(data_dir=path, host="127.0.0.1", port=0)
    print(port, flush=True)
    server.wait_for_termination()  # (holding `server`: a gRPC server stops when collected)
    database.close()


def milvus_build_worker(passages: int, uri: str, folder: Path) -> dict[str, Any]:
    """Fill a generation through `MilvusStore` as `qa build --store` does; save the queries in `folder`."""
    from qa.stores.milvus import MilvusStore, lexical_text

    vectors, tokens, queries, query_tokens = corpus(passages)
    _save_queries(folder, queries, query_tokens, exact_top10(vectors, queries))
    rows = [
        {"id": i, "chunk_id": f"c{i}", "embed_key": f"k{i}", "source": f"r{i // 40}.txt", "town": "", "date": "",
         "years": [2024], "section_path": ["一、"], "text": "".join(words)[:400], "footnotes": [],
         "position": {"start": 0, "end": 1, "page": None, "page_end": None}, "lexical_text": lexical_text(words),
         "dense": vector}
        for i, (words, vector) in enumerate(zip(tokens, vectors, strict=True))
    ]
    store = MilvusStore(uri, "bench")
    started = time.perf_counter()
    name = store.new_generation(queries.shape[1], [])
    store.insert_passages(name, rows)
    store.insert_documents(name, [], {"bench": True})
    store.publish(name)
    return {"build_s": round(time.perf_counter() - started, 2)}


def milvus_serve_worker(uri: str, folder: Path) -> dict[str, Any]:
    """Connect to the Milvus server as a serving process does, and time the questions."""
    from qa.stores.milvus import MilvusStore

    queries, query_tokens, truth = _load_queries(folder)
    store = MilvusStore(uri, "bench")
    name = store.live()
    seconds, found = [], []
    for query, words in zip(queries, query_tokens, strict=True):
        started = time.perf_counter()
        dense = store.search_dense(name, query, K, "")
        store.search_lexical(name, " ".join(words), K, "")
        seconds.append(time.perf_counter() - started)
        found.append([row["id"] for row in dense])
    return {**_ms(seconds), "recall@10": round(recall(truth, found), 3), "serving_rss_mb": round(rss_mb_now(), 1)}


def embedding_worker(passages: int) -> dict[str, Any]:
    from dataclasses import replace

    from qa.embedding import load_embedder
    from qa.index import embedding_text, load_index
    from qa.ray_embedding import encode_with_ray
    from qa.settings import Settings

    settings = Settings.from_env()
    index = load_index(settings.index_dir)
    texts = [embedding_text(c, index.documents[c.source].metadata) for c in index.chunks]
    texts = (texts * (passages // len(texts) + 1))[:passages]
    embedder = load_embedder(settings, threads=0)
    embedder.encode_passages(texts[:8])  # warm-up
    started = time.perf_counter()
    in_process = embedder.encode_passages(texts)
    in_process_s = time.perf_counter() - started
    one_thread = load_embedder(settings, threads=1)  # what one Ray actor runs
    one_thread.encode_passages(texts[:8])
    started = time.perf_counter()
    one_thread.encode_passages(texts)
    one_thread_s = time.perf_counter() - started

    import ray

    started = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False, object_store_memory=256 * 2**20)
    startup_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        by_ray = encode_with_ray(replace(settings, ray_address="local"), texts)
        ray_s = time.perf_counter() - started
    finally:
        ray.shutdown()
    cosine = float(((by_ray * in_process).sum(axis=1)).min())
    return {"passages": passages, "cores": os.cpu_count(), "in_process_s": round(in_process_s, 1),
            "in_process_per_s": round(passages / in_process_s, 1),
            "in_process_one_thread_per_s": round(passages / one_thread_s, 1), "ray_startup_s": round(startup_s, 1),
            "ray_s": round(ray_s, 1), "ray_per_s": round(passages / ray_s, 1), "min_cosine": round(cosine, 6)}


# ---------------------------------------------------------------- the part


def _in_process(*args: str, timeout: float = 3600) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.stores", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench.stores {' '.join(args)} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _process_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(*, quick: bool = False) -> dict[str, Any]:
    sizes = [2_000, 10_000] if quick else [10_000, 100_000]
    rows = []
    for passages in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-stores-") as folder:
            log(f"stores: FAISS at {passages:,} passages")
            faiss = _in_process("faiss-build", str(passages), folder)
            faiss.update(_in_process("faiss-serve", folder))
            log(f"stores: Milvus Lite at {passages:,} passages")
            server = subprocess.Popen([sys.executable, "-m", "bench.stores", "server", str(Path(folder) / "bench.db")],
                                      cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
            try:
                uri = f"http://127.0.0.1:{int(server.stdout.readline())}"
                milvus = _in_process("milvus-build", str(passages), uri, folder)
                milvus.update(_in_process("milvus-serve", uri, folder))
                milvus["server_rss_mb"] = round(_process_rss_mb(server.pid), 1)
            finally:
                server.kill()
                server.wait()
        rows.append({"passages": passages, "faiss": faiss, "milvus_lite": milvus})
    passages = 100 if quick else 213
    log(f"stores: embedding {passages} passages in-process and with Ray")
    embedding = _in_process("embedding", str(passages))
    payload = {"queries": QUERIES, "k": K, "rows": rows, "embedding": embedding}
    write_result("stores", payload)
    payload["markdown"] = markdown(payload)
    return payload


def markdown(payload: dict[str, Any]) -> str:
    """The part's tables, from its results."""
    store_rows = []
    for row in payload["rows"]:
        for name, key in (("FAISS + bm25s (in process)", "faiss"), ("Milvus Lite (server process)", "milvus_lite")):
            r = row[key]
            store_rows.append((f"{row['passages']:,}", name, r["build_s"], r["p50_ms"], r["p95_ms"], r["recall@10"],
                               r["serving_rss_mb"], r.get("server_rss_mb")))
    embedding = payload["embedding"]
    return (
        "### Stores — FAISS against Milvus Lite (synthetic passages; one question = dense k=256 + BM25 k=256)\n\n"
        + table(["passages", "store", "build s", "query p50 ms", "query p95 ms", "recall@10", "serving RSS MB",
                 "Milvus server RSS MB"], store_rows)
        + "\n\n### Embedding — in-process against Ray Data (local instance)\n\n"
        + table(["passages", "cores", "in-process /s (all cores)", "in-process /s (1 thread)", "Ray start s",
                 "Ray /s (one actor a core, start excluded)", "min cosine"],
                [(embedding["passages"], embedding["cores"], embedding["in_process_per_s"],
                  embedding.get("in_process_one_thread_per_s"), embedding["ray_startup_s"], embedding["ray_per_s"],
                  embedding["min_cosine"])])
    )


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "server":
        milvus_server_worker(sys.argv[2])
    elif kind == "faiss-build":
        print(json.dumps(faiss_build_worker(int(sys.argv[2]), Path(sys.argv[3]))))
    elif kind == "faiss-serve":
        print(json.dumps(faiss_serve_worker(Path(sys.argv[2]))))
    elif kind == "milvus-build":
        print(json.dumps(milvus_build_worker(int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))))
    elif kind == "milvus-serve":
        print(json.dumps(milvus_serve_worker(sys.argv[2], Path(sys.argv[3]))))
    elif kind == "embedding":
        print(json.dumps(embedding_worker(int(sys.argv[2]))))
    else:
        raise SystemExit(f"unknown worker {kind}")
