"""Part 5 — embedding speed of the same model on other runtimes: torch fp32 (sentence-transformers) against
ONNX Runtime fp32 (the product's default engine, `qa.embedding.OnnxEmbedder`), ONNX Runtime int8 (dynamic
quantization) and OpenVINO fp32.

The ONNX graph is the product's own export (`qa.onnx_export`: encoder + pooling + L2 normalization,
exported with `torch.onnx.export`, because sentence-transformers' `backend="onnx"/"openvino"` needs
`optimum`, whose releases pin a torch or transformers this project cannot take). The int8 file is that
graph through `onnxruntime.quantization.quantize_dynamic` (what sentence-transformers'
`export_dynamic_quantized_onnx_model` calls underneath), cached in bench/results/tmp/.

Measured on the seed index's passages (as `qa.index.embedding_text` makes them, "passage: " prefix,
batches of `Settings.embed_batch_size` sorted by length, the process's threads) and on the dev questions
("query: " prefix, one at a time, one thread as `Settings.query_threads`): passages/s, queries/s, cosine
to the torch fp32 vectors, and dense-only hit@5 on the dev set with each backend's passage and query
vectors. The product adopts an engine only with cosine ≥ 0.99 and no loss of hit@5.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import DEV_QUESTIONS, TMP_DIR, log, table, write_result


def int8_model(fp32: Path) -> Path:
    """The int8 dynamic quantization of the product's ONNX export, made once into bench/results/tmp."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    key = hashlib.sha256(f"{fp32}:{fp32.stat().st_mtime_ns}".encode()).hexdigest()[:10]
    int8 = TMP_DIR / f"onnx-int8-{key}" / "model-int8.onnx"
    if not int8.is_file():
        log("embedding: int8 dynamic quantization (once)")
        int8.parent.mkdir(parents=True, exist_ok=True)
        quantize_dynamic(str(fp32), str(int8.with_suffix(".partial")), weight_type=QuantType.QInt8)
        int8.with_suffix(".partial").replace(int8)
    return int8


class Runner:
    """tokenize → graph → unit vectors, for ONNX Runtime and OpenVINO sessions."""

    def __init__(self, tokenizer: Any, max_length: int, infer: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.infer = infer

    def encode(self, texts: list[str], batch: int) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), 0), dtype=np.float32)
        rows: dict[int, np.ndarray] = {}
        for start in range(0, len(order), batch):
            ids = order[start:start + batch]
            encoded = self.tokenizer([texts[i] for i in ids], padding=True, truncation=True,
                                     max_length=self.max_length, return_tensors="np")
            vectors = self.infer(encoded["input_ids"].astype(np.int64), encoded["attention_mask"].astype(np.int64))
            for i, vector in zip(ids, vectors, strict=True):
                rows[i] = vector
        out = np.stack([rows[i] for i in range(len(texts))]).astype(np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def ort_runner(path: Path, tokenizer: Any, max_length: int, threads: int) -> Runner:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return Runner(tokenizer, max_length,
                  lambda ids, mask: session.run(None, {"input_ids": ids, "attention_mask": mask})[0])


def openvino_runner(path: Path, tokenizer: Any, max_length: int, threads: int) -> Runner:
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(path)), "CPU",
                                  {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"})
    request = compiled.create_infer_request()

    def infer(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.array(request.infer({"input_ids": ids, "attention_mask": mask})[compiled.output(0)])

    return Runner(tokenizer, max_length, infer)


def _hit_at_5(questions: list[Any], query_vectors: np.ndarray, passage_vectors: np.ndarray, chunks: list[Any]) -> float:
    from bench.quality import Passage
    from qa.evaluate import answer_rank

    scores = query_vectors @ passage_vectors.T
    hits = 0
    for question, row in zip(questions, scores, strict=True):
        top = np.argsort(-row)[:5]
        passages = [Passage(chunks[i].source, chunks[i].text, chunks[i].footnotes) for i in top]
        rank = answer_rank(question, passages)
        hits += rank is not None
    return hits / len(questions)


def run(*, quick: bool = False) -> dict[str, Any]:
    import os
    from dataclasses import replace

    from qa.embedding import load_embedder
    from qa.evaluate import load_questions
    from qa.index import embedding_text, load_index
    from qa.onnx_export import ensure_onnx_model
    from qa.settings import Settings
    from qa.text import normalize_question

    settings = Settings.from_env()
    torch_engine = load_embedder(replace(settings, backend="torch", bf16=False))
    model = torch_engine.model
    index = load_index(settings.index_dir)
    passages = [embedding_text(c, index.documents[c.source].metadata) for c in index.chunks]
    questions = [q for q in load_questions(DEV_QUESTIONS) if q.doc is not None]
    queries = [normalize_question(q.question) for q in questions]
    queries_timed = queries[:10] if quick else queries
    threads = os.cpu_count() or 1
    batch = settings.embed_batch_size
    max_length = int(model.max_seq_length)
    notes: list[str] = []

    backends: dict[str, tuple[Callable[[list[str]], np.ndarray], Callable[[str], np.ndarray]]] = {
        "torch fp32": (torch_engine.encode_passages, lambda text: torch_engine.encode_queries([text])),
    }
    try:
        onnx_settings = replace(settings, backend="onnx")
        product_build = load_embedder(onnx_settings, threads=0)  # as `qa build` makes it
        product_serving = load_embedder(onnx_settings, threads=1)  # as the retriever makes it
        backends["onnxruntime fp32 (product)"] = (
            product_build.encode_passages, lambda text: product_serving.encode_queries([text]))
        fp32 = ensure_onnx_model(onnx_settings).model_file
        qp, pp = torch_engine.query_prefix, torch_engine.passage_prefix
        many = ort_runner(int8_model(fp32), model.tokenizer, max_length, threads)
        one = ort_runner(int8_model(fp32), model.tokenizer, max_length, 1)
        backends["onnxruntime int8"] = ((lambda texts, r=many: r.encode([pp + t for t in texts], batch)),
                                        (lambda text, r=one: r.encode([qp + text], batch=1)))
        try:
            many = openvino_runner(fp32, model.tokenizer, max_length, threads)
            one = openvino_runner(fp32, model.tokenizer, max_length, 1)
            backends["openvino fp32"] = ((lambda texts, r=many: r.encode([pp + t for t in texts], batch)),
                                         (lambda text, r=one: r.encode([qp + text], batch=1)))
        except Exception as error:
            notes.append(f"openvino skipped: {type(error).__name__}: {error}")
    except Exception as error:
        notes.append(f"ONNX export/runtime unavailable, only torch measured: {type(error).__name__}: {error}")

    results: dict[str, Any] = {}
    reference: np.ndarray | None = None
    reference_queries: np.ndarray | None = None
    for name, (encode_passages, encode_query) in backends.items():
        log(f"embedding: {name}")
        encode_passages(passages[:4])
        encode_query(queries[0])
        sample = passages[:: max(1, len(passages) // 40)] if quick else passages
        started = time.perf_counter()
        vectors = encode_passages(sample)
        passage_s = time.perf_counter() - started
        started = time.perf_counter()
        for text in queries_timed:
            encode_query(text)
        query_s = time.perf_counter() - started
        query_vectors = np.vstack([encode_query(t) for t in (queries_timed if quick else queries)])
        if reference is None or reference_queries is None:
            reference, reference_queries = vectors, query_vectors
        cosine = np.sum(vectors * reference, axis=1)
        entry = {
            "passages": len(sample),
            "passages_per_s": len(sample) / passage_s,
            "queries_per_s": len(queries_timed) / query_s,
            "query_ms": 1000 * query_s / len(queries_timed),
            "cosine_to_fp32_mean": float(cosine.mean()),
            "cosine_to_fp32_min": float(cosine.min()),
        }
        if not quick:  # needs every passage embedded by the backend
            entry["dev_dense_hit@5"] = _hit_at_5(questions, query_vectors, vectors, index.chunks)
        entry["query_cosine_to_fp32_min"] = float(np.min(np.sum(query_vectors * reference_queries, axis=1)))
        results[name] = entry
    if quick:
        notes.append(f"--quick: {results[next(iter(results))]['passages']} of {len(passages)} passages and "
                     f"{len(queries_timed)} queries per backend; dev hit@5 per backend only in the full run")
    payload = {"threads_passages": threads, "threads_queries": 1, "batch": batch, "max_length": max_length,
               "backends": results, "notes": notes}
    write_result("embedding", payload)
    base = results["torch fp32"]
    rows = [(name, r["passages_per_s"], r["passages_per_s"] / base["passages_per_s"], r["queries_per_s"],
             r["query_ms"], r["cosine_to_fp32_mean"], r["cosine_to_fp32_min"], r.get("dev_dense_hit@5"))
            for name, r in results.items()]
    text = (
        f"### Embedding backends — {results[next(iter(results))]['passages']} seed passages (batch {batch}, {threads} threads), "
        f"queries one at a time on 1 thread\n\n"
        + table(["backend", "passages/s", "× torch", "queries/s", "ms/query", "cos mean", "cos min",
                 "dev dense hit@5"], rows)
        + "\n\nThe product's default engine is ONNX Runtime fp32 (same vectors as torch, faster for a question); int8"
        " is faster still but moves vectors by more than the 0.99 cosine allowed. See the module docstring for why"
        " the ONNX graph is exported with torch.onnx rather than sentence-transformers' optimum-based backend= option."
    )
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    payload["markdown"] = text
    return payload
