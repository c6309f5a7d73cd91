"""Part 1 — retrieval quality side by side on the same questions.

Systems, all scored with `qa.evaluate.answer_rank` (a passage = its text + its footnotes' text; the
first passage from the question's report holding every evidence snippet, whitespace removed):

- report-qa: `qa.search.Retriever.search` on index/ (fusion, town/period steering, comparison sides).
- bm25: BM25 alone over the same chunks and jieba tokens (index/'s bm25s arrays and tokenizer).
- dense: dense alone over the same chunks and vectors (index/'s FAISS), the same model.
- naive: LangChain `RecursiveCharacterTextSplitter` (500 chars, overlap 50, Chinese separators) over
  the raw seed files, the same embedder, a flat FAISS IndexFlatIP, no metadata and no footnotes.

bm25 and dense reuse report-qa's chunks, so the gap to report-qa is what fusion and steering add;
the gap between naive and dense is what cleaning, section chunking and the metadata line add.
All four see the question after `qa.text.normalize_question` (traditional → simplified, full width →
half width), which is the product's own first step.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bench.common import TMP_DIR, log, question_files, summary_ms, table, write_result
from qa.documents import Footnote
from qa.evaluate import Question, answer_rank, load_questions
from qa.text import normalize_question

K = 5
SYSTEMS = ("report-qa", "bm25", "dense", "naive")
NAIVE_SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]


@dataclass(frozen=True)
class Passage:
    """What the scoring rule reads of a hit."""

    source: str
    text: str
    footnotes: tuple[Footnote, ...] = ()


class NaivePipeline:
    """The tutorial RAG pipeline: split raw files, embed, flat inner-product search."""

    def __init__(self, embedder: Any, docs_dir: Path) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=500, chunk_overlap=50, separators=NAIVE_SEPARATORS, keep_separator="end"
        )
        self.passages: list[Passage] = []
        for path in sorted(docs_dir.glob("*.txt")) + sorted(docs_dir.glob("*.md")):
            raw = path.read_text(encoding="utf-8", errors="replace")
            self.passages += [Passage(path.name, piece) for piece in splitter.split_text(raw)]
        self.embedder = embedder
        texts = [p.text for p in self.passages]
        self.vectors, self.embed_seconds = self._vectors(texts)
        self.index = faiss.IndexFlatIP(self.vectors.shape[1])
        self.index.add(self.vectors)

    def _vectors(self, texts: list[str]) -> tuple[np.ndarray, float]:
        digest = hashlib.sha256(("\x00".join(texts) + self.embedder.path).encode("utf-8")).hexdigest()[:16]
        cache, timing = TMP_DIR / f"naive-{digest}.npy", TMP_DIR / f"naive-{digest}.json"
        if cache.is_file():  # the embedding time recorded when the vectors were computed
            seconds = json.loads(timing.read_text(encoding="utf-8"))["seconds"] if timing.is_file() else float("nan")
            return np.load(cache), seconds
        started = time.perf_counter()
        vectors = self.embedder.encode_passages(texts)
        seconds = time.perf_counter() - started
        TMP_DIR.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
        timing.write_text(json.dumps({"seconds": seconds, "passages": len(texts)}) + "\n", encoding="utf-8")
        return vectors, seconds

    def search(self, question: str, k: int = K) -> list[Passage]:
        query = self.embedder.encode_queries([normalize_question(question)])
        _, ids = self.index.search(np.ascontiguousarray(query, dtype=np.float32), k)
        return [self.passages[i] for i in ids[0] if i >= 0]


def _chunk_passages(retriever: Any) -> list[Passage]:
    return [Passage(c.source, c.text, c.footnotes) for c in retriever.index.chunks]


def bm25_search(retriever: Any, passages: list[Passage], question: str, k: int = K) -> list[Passage]:
    tokens = retriever.index.tokenizer.tokenize(normalize_question(question))
    if not tokens:
        return []
    scores = retriever.index.lexical.score(tokens)
    top = np.argsort(-scores, kind="stable")[:k]
    return [passages[i] for i in top if scores[i] > 0]


def dense_search(retriever: Any, passages: list[Passage], question: str, k: int = K) -> list[Passage]:
    query = retriever.embedder.encode_queries([normalize_question(question)])
    _, ids = retriever.index.dense.search(query, k)
    return [passages[i] for i in ids[0] if i >= 0]


def _metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    if not n:
        return {"n": 0}
    return {
        "n": n,
        "hit@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr@5": sum(1 / r for r in ranks if r is not None and r <= 5) / n,
    }


def evaluate_set(questions: list[Question], searchers: dict[str, Any]) -> dict[str, Any]:
    answerable = [q for q in questions if q.doc is not None]
    ranks: dict[str, dict[str, int | None]] = {name: {} for name in searchers}
    seconds: dict[str, list[float]] = {name: [] for name in searchers}
    for question in answerable:
        for name, search in searchers.items():
            started = time.perf_counter()
            hits = search(question.question)
            seconds[name].append(time.perf_counter() - started)
            ranks[name][question.id] = answer_rank(question, hits[:K])
    types = sorted({q.type for q in answerable})
    result: dict[str, Any] = {
        "questions": len(questions),
        "answerable": len(answerable),
        "systems": {},
    }
    for name in searchers:
        per_type = {t: _metrics([ranks[name][q.id] for q in answerable if q.type == t]) for t in types}
        result["systems"][name] = {
            "overall": _metrics([ranks[name][q.id] for q in answerable]),
            "by_type": per_type,
            "latency": summary_ms(seconds[name]),
            "ranks": ranks[name],
        }
    return result


def format_set(name: str, result: dict[str, Any]) -> str:
    systems = list(result["systems"])
    headers = ["type", "n"] + [f"{s} {m}" for s in systems for m in ("hit@1", "hit@5", "mrr@5")]
    first = result["systems"][systems[0]]
    rows = []
    for label in ["overall", *first["by_type"]]:
        row: list[Any] = [label]
        for i, system in enumerate(systems):
            data = result["systems"][system]
            m = data["overall"] if label == "overall" else data["by_type"][label]
            if i == 0:
                row.append(m["n"])
            row += [m.get("hit@1"), m.get("hit@5"), m.get("mrr@5")]
        rows.append(row)
    compact = table(["system", "hit@1", "hit@5", "mrr@5", "p50 ms"], [
        (s, d["overall"]["hit@1"], d["overall"]["hit@5"], d["overall"]["mrr@5"], d["latency"]["p50_ms"])
        for s, d in result["systems"].items()
    ])
    return (
        f"### Quality — {name} ({result['answerable']} answerable of {result['questions']} questions, k={K})\n\n"
        f"{compact}\n\nPer question type:\n\n{table(headers, rows)}"
    )


def run(retriever: Any, *, quick: bool = False) -> dict[str, Any]:
    passages = _chunk_passages(retriever)
    docs_dir = retriever.settings.docs_dir
    log(f"quality: naive pipeline over {docs_dir}")
    naive = NaivePipeline(retriever.embedder, docs_dir)
    searchers = {
        "report-qa": lambda q: retriever.search(q, K),
        "bm25": lambda q: bm25_search(retriever, passages, q),
        "dense": lambda q: dense_search(retriever, passages, q),
        "naive": naive.search,
    }
    sets: dict[str, Any] = {}
    notes: list[str] = []
    outputs: list[str] = []
    for name, path, note in question_files():
        if path is None:
            notes.append(note)
            continue
        log(f"quality: {name} ({path})")
        result = evaluate_set(load_questions(path), searchers)
        result["file"] = str(path)
        sets[name] = result
        outputs.append(format_set(name, result))
    payload = {
        "k": K,
        "index": str(retriever.index.directory),
        "chunks": {"report-qa": len(passages), "naive": len(naive.passages)},
        "naive": {"chunk_size": 500, "chunk_overlap": 50, "separators": NAIVE_SEPARATORS,
                  "embed_seconds": naive.embed_seconds},
        "sets": sets,
        "notes": notes,
    }
    write_result("quality", payload)
    text = "\n\n".join(outputs)
    text += f"\n\nChunks: report-qa {len(passages)}, naive {len(naive.passages)}."
    if notes:
        text += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
    payload["markdown"] = text
    return payload

