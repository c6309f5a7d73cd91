"""Part 7 — how fast a build embeds passages, against what the CPU can do.

Embedding is compute-bound: e5-small's linear layers cost 2 · (4·h² + 2·h·f) FLOP per token and layer
(h = 384, f = 1536: 42.5 MFLOP a token over 12 layers), attention 4·L·h more per token and layer for a
passage of L tokens. The ceiling is the rate of a float32 matrix multiply of the model's own shape
(a batch of tokens × h by h × f) on the same threads, measured in the same run before and after.

Measured on passages as a build makes them: the seed index's (`qa.index.embedding_text`) and those of
the first documents of the CRUD-RAG news sample (tests/data/crud/docs.jsonl.gz), cut as `qa build
--docs` cuts them now (800-character windows) and as it cut them when issue 15 was filed (400). For
each way of batching: passages/s, tokens/s, useful GFLOP/s (padding not counted), the share of the GEMM
rate, the share of the batch wasted on padding, and the cosine of its vectors to those of the old way.
Each way runs `ROUNDS` times, interleaved with the others, and keeps its best time.

- "before": the engine as it was up to this part (texts sorted by characters, batches of 8, padded by
  the tokenizer per batch), on the graph as it was exported then (export version 2: SDPA attention,
  unfused — made once by the product's exporter with `fuse_attention=False`);
- "product": `qa.embedding.OnnxEmbedder` now (tokenized once, sorted by tokens, batches of at most
  `embed_batch_tokens` tokens, `qa.embedding.token_batches`; attention fused, `qa.onnx_export`);
- the product's batching on the unfused graph, which parts the gain of the batching from the graph's;
- the product's method at other token budgets, to choose that default, and with batches of a fixed
  number of texts (how it batched before the token budget).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import PROJECT_ROOT, log, table, write_result

CRUD_DOCS = (PROJECT_ROOT / "tests" / "data" / "crud" / "docs.jsonl.gz",)
#: Token budgets compared with the product's (`Settings.embed_batch_tokens`).
TOKEN_BUDGETS = (384, 640, 1024)
#: Batches of a fixed number of texts, sorted by tokens (the product's batching before the budget).
BATCH_SIZES = (8, 16)
#: Passes over each corpus per way (interleaved; the best counts). --quick: one.
ROUNDS = 3


def gemm_rate(rows: int, hidden: int, intermediate: int, seconds: float = 2.0) -> float:
    """FLOP/s of a float32 (rows × hidden) @ (hidden × intermediate) product on the process's threads."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((rows, hidden), dtype=np.float32)
    b = rng.standard_normal((hidden, intermediate), dtype=np.float32)
    a @ b
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        a @ b
        done += 1
    return done * 2 * rows * hidden * intermediate / (time.perf_counter() - started)


def crud_passages(limit: int, window: int | None = None) -> tuple[list[str], str]:
    """Passages of the first `limit` CRUD-RAG documents, prefixed as `qa build --docs` does and cut as it
    does (`window` None) or into windows of `window` characters — 400 is how `qa build` cut them when
    issue 15 measured 1,136 s for 7,016 passages, so the same passages give the same vectors."""
    from qa.chunking import chunk_document
    from qa.documents import Paragraph
    from qa.index import embedding_text
    from qa.ingest import load_document

    source = next((p for p in CRUD_DOCS if p.is_file()), None)
    if source is None:
        return [], "CRUD-RAG documents not found: seed passages only"
    opener = gzip.open if source.suffix == ".gz" else open
    passages: list[str] = []
    tmp = PROJECT_ROOT / "bench" / "results" / "tmp" / "throughput-docs"
    tmp.mkdir(parents=True, exist_ok=True)
    with opener(source, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                break
            raw = json.loads(line)
            path = tmp / raw["name"]
            path.write_text(raw["text"], encoding="utf-8")
            document = load_document(path)
            chunks = document.chunks if window is None else chunk_document(
                document.source, document.text, (Paragraph(0, len(document.text)),), (), max_chars=window,
                window_chars=window)
            passages += [embedding_text(c, document.metadata) for c in chunks]
    return passages, f"{limit} CRUD-RAG documents from {source.relative_to(PROJECT_ROOT)}"


def before_encode(embedder: Any, texts: list[str], batch: int) -> np.ndarray:
    """The engine's passage path before this part: character-sorted batches padded by the tokenizer."""
    tokenizer = embedder._tokenizer.__class__.from_str(embedder._tokenizer.to_str())
    tokenizer.enable_padding(pad_id=embedder._pad_id)
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        encoded = tokenizer.encode_batch([embedder.passage_prefix + texts[i] for i in rows])
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        vectors[rows] = embedder._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def fixed_batches(lengths: np.ndarray, size: int) -> list[np.ndarray]:
    """Sorted by tokens, `size` texts a batch."""
    order = np.argsort(lengths, kind="stable")
    return [order[s : s + size] for s in range(0, len(order), size)]


def char_batches(texts: list[str], size: int) -> list[np.ndarray]:
    """Sorted by characters, `size` texts a batch (the engine before)."""
    order = np.array(sorted(range(len(texts)), key=lambda i: len(texts[i])))
    return [order[s : s + size] for s in range(0, len(order), size)]


def fixed_encode(embedder: Any, texts: list[str], size: int) -> np.ndarray:
    """The product's engine with batches of `size` texts sorted by tokens, padded to the longest."""
    return embedder._encode(texts, prefix=embedder.passage_prefix, batching=lambda lengths: fixed_batches(lengths, size))


def unfused_engine(settings: Any) -> Any:
    """An `OnnxEmbedder` on the graph exported as before attention was fused (export version 2), made once
    under bench/results/tmp (about half a minute)."""
    from qa.embedding import OnnxEmbedder
    from qa.model import resolve_model_path
    from qa.onnx_export import EXPORT_FILE, OnnxModel, source_fingerprint, write_export

    model_path = resolve_model_path(settings)
    directory = PROJECT_ROOT / "bench" / "results" / "tmp" / "onnx-unfused"
    fingerprint = source_fingerprint(model_path)
    meta_file = directory / EXPORT_FILE
    if not meta_file.is_file() or json.loads(meta_file.read_text(encoding="utf-8"))["source"] != fingerprint:
        log("throughput: exporting the unfused graph (export version 2) for the 'before' engine")
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        write_export(settings, model_path, fingerprint, directory, fuse_attention=False)
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    exported = OnnxModel(directory, meta["query_prefix"], meta["passage_prefix"], meta["dimension"], meta["max_length"], meta["pad_token"])
    return OnnxEmbedder(settings, exported, threads=0)


def padding_share(lengths: np.ndarray, batches: list[np.ndarray]) -> float:
    """Share of the token slots of the batches that are padding."""
    slots = sum(int(lengths[b].max()) * len(b) for b in batches)
    return 1 - int(lengths.sum()) / slots


def run(*, quick: bool = False) -> dict[str, Any]:
    from qa.embedding import load_embedder, token_batches
    from qa.index import embedding_text, load_index
    from qa.model import resolve_model_path
    from qa.settings import Settings

    settings = replace(Settings.from_env(), backend="onnx")
    config = json.loads((Path(resolve_model_path(settings)) / "config.json").read_text(encoding="utf-8"))
    hidden, intermediate, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    threads = os.cpu_count() or 1
    index = load_index(settings.index_dir)
    corpora = {"seed passages": [embedding_text(c, index.documents[c.source].metadata) for c in index.chunks]}
    crud, crud_note = crud_passages(60 if quick else 200)
    if crud:
        corpora["CRUD-RAG passages"] = crud
        corpora["CRUD-RAG passages cut as at filing (400 characters)"] = crud_passages(60 if quick else 200, 400)[0]
    notes = [crud_note] if not crud else []

    engines = {budget: load_embedder(replace(settings, embed_batch_tokens=budget), threads=0) for budget in TOKEN_BUDGETS}
    product = load_embedder(settings, threads=0)
    unfused = unfused_engine(settings)
    shapes = sorted({settings.embed_batch_tokens, 8 * 256})  # rows of the product's batches and of batches of 8
    rates = [max(gemm_rate(rows, hidden, intermediate) for rows in shapes)]
    results: dict[str, Any] = {}
    for corpus, texts in corpora.items():
        log(f"throughput: {corpus} ({len(texts)})")
        tokenizer = product._tokenizer
        lengths = np.array([len(e.ids) for e in tokenizer.encode_batch([product.passage_prefix + t for t in texts])])
        useful = float(np.sum(lengths * layers * 2 * (4 * hidden * hidden + 2 * hidden * intermediate)
                              + layers * 4 * lengths.astype(np.float64) ** 2 * hidden))
        ways = {"before (chars, batch 8, unfused graph)": (
            lambda t: before_encode(unfused, t, 8), padding_share(lengths, char_batches(texts, 8)))}
        budget = settings.embed_batch_tokens
        ways[f"product (tokens, ≤ {budget} tokens a batch)"] = (
            product.encode_passages, padding_share(lengths, token_batches(lengths, budget)))
        ways[f"tokens, ≤ {budget} tokens a batch, unfused graph"] = (
            unfused.encode_passages, padding_share(lengths, token_batches(lengths, budget)))
        for other, engine in engines.items():
            if other != budget:
                ways[f"tokens, ≤ {other} tokens a batch"] = (engine.encode_passages, padding_share(lengths, token_batches(lengths, other)))
        for size in BATCH_SIZES:
            ways[f"tokens, batch {size}"] = (
                functools.partial(fixed_encode, product, size=size), padding_share(lengths, fixed_batches(lengths, size)))
        # Rounds interleave the ways and each keeps its best time: the speed of one pass moves by ±10%
        # here from one minute to the next, which a single pass per way would read as a difference.
        seconds_of: dict[str, list[float]] = {name: [] for name in ways}
        vectors_of: dict[str, np.ndarray] = {}
        for encode, _ in ways.values():
            encode(texts[:8])
        for _ in range(1 if quick else ROUNDS):
            for name, (encode, _) in ways.items():
                started = time.perf_counter()
                vectors_of[name] = encode(texts)
                seconds_of[name].append(time.perf_counter() - started)
        reference = vectors_of[next(iter(ways))]
        rows = {}
        for name, (_, padding) in ways.items():
            seconds, vectors = min(seconds_of[name]), vectors_of[name]
            rows[name] = {
                "passages_per_s": len(texts) / seconds,
                "rounds_s": seconds_of[name],
                "tokens_per_s": float(lengths.sum()) / seconds,
                "gflop_per_s": useful / seconds / 1e9,
                "padding": padding,
                "cosine_to_before_min": float(np.min(np.sum(vectors * reference, axis=1))),
            }
        results[corpus] = {"passages": len(texts), "mean_tokens": float(lengths.mean()), "ways": rows}
    rates.append(max(gemm_rate(rows, hidden, intermediate) for rows in shapes))
    gemm = max(rates)
    for entry in results.values():
        before = next(iter(entry["ways"].values()))
        for row in entry["ways"].values():
            row["share_of_gemm"] = row["gflop_per_s"] * 1e9 / gemm
            row["speed_vs_before"] = row["passages_per_s"] / before["passages_per_s"]
    payload = {"threads": threads, "gemm_gflop_per_s": gemm / 1e9, "gemm_runs_gflop_per_s": [r / 1e9 for r in rates],
               "flop_per_token_linear": layers * 2 * (4 * hidden * hidden + 2 * hidden * intermediate),
               "corpora": results, "notes": notes}
    write_result("throughput", payload)
    lines = []
    for corpus, entry in results.items():
        rows_md = [(name, r["passages_per_s"], r["speed_vs_before"], r["tokens_per_s"], r["gflop_per_s"],
                    r["share_of_gemm"], r["padding"], r["cosine_to_before_min"]) for name, r in entry["ways"].items()]
        lines.append(f"#### {corpus} — {entry['passages']} passages, {entry['mean_tokens']:.0f} tokens on average\n\n"
                     + table(["batching", "passages/s", "× before", "tokens/s", "GFLOP/s", "of GEMM", "padding",
                              "cos min"], rows_md))
    text = (f"### Passage embedding throughput — {threads} threads; float32 GEMM of the model's shape "
            f"{gemm / 1e9:.0f} GFLOP/s (the best of two runs, before and after, each at the rows of a product batch and of a batch of 8)\n\n" + "\n\n".join(lines))
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    payload["markdown"] = text
    return payload
