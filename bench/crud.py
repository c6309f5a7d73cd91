"""Part "crud" — retrieval on text the method was not tuned on: the CRUD-RAG news sample.

3,000 Chinese news articles and 100 sample questions (public CRUD-RAG benchmark, Apache-2.0; questions
written by that benchmark's authors; tests/data/crud/README.md), in the scoring rule of
tests/data/README.md, both committed: `tests/data/crud/docs.jsonl.gz` (2.5 MB) and
`tests/data/crud/questions.jsonl` (a quarter marked `"holdout"` by a fixed seed and never tuned on), and
220 questions over other articles written for this project (`questions_more.jsonl`, never fitted on).
`QA_CRUD_DIR` points at another folder holding a `docs.jsonl`; `QA_CRUD_HELD_BACK=FILE` adds a question
file over the same articles (the benchmark's held-back questions) as one more set.

Systems, all over the same 3,000 articles and scored with `qa.evaluate.answer_rank`:
- report-qa: `qa build` of the articles written out as .txt files, then `Retriever.search`;
- bm25 / dense: BM25 alone and dense alone over report-qa's passages (its tokens, its vectors);
- bm25-articles: BM25 over whole articles (same tokenizer): the bar the issue set;
- naive: the LangChain pipeline of `bench/quality.py` (500/50 splitter, the same embedder, flat FAISS);
  not run with --quick (its embedding of the articles takes most of an hour here the first time).

Build times: report-qa's is its `qa build` (written to bench/results/tmp/crud/build.json when the
build embeds; a later run whose build is a no-op reports that recorded time); dense alone needs the
same embedding, so it is the same; BM25's is tokenizing and indexing, measured in this run; naive's
is its embedding time, recorded when its vectors were computed.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import PROJECT_ROOT, TMP_DIR, log, table, write_result
from bench.quality import K, NaivePipeline, Passage, bm25_search, dense_search, evaluate_set
from qa.evaluate import Question, load_questions
from qa.text import normalize_question

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "crud" / "questions.jsonl"
#: 220 more questions over other articles, written for this project blind to the method; never fitted on.
OWN_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "crud" / "questions_more.jsonl"
ARTICLES = PROJECT_ROOT / "tests" / "data" / "crud" / "docs.jsonl.gz"
WORK = TMP_DIR / "crud"
#: Window sizes of the chunking sweep (characters; the longest article has 1,033).
WINDOW_SIZES = (250, 400, 500, 800, 1200)


@dataclass(frozen=True)
class CrudIndex:
    """The CRUD articles as the product indexes them, and how long that build took."""

    directory: Path
    docs_dir: Path
    build: dict[str, Any]  # seconds, chunks, embedded, when (of the build that embedded)


def articles_file() -> Path | None:
    """The articles, one JSON object a line: `QA_CRUD_DIR`/docs.jsonl when set, else the committed
    gzipped copy; None when neither is there."""
    path = Path(os.environ["QA_CRUD_DIR"]) / "docs.jsonl" if os.environ.get("QA_CRUD_DIR") else ARTICLES
    return path if path.is_file() else None


def materialize(source: Path, docs_dir: Path) -> int:
    """Write each article to docs_dir/<name> as UTF-8 text (as the benchmark's materialize.py does),
    unless it is there already with the same text."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if source.suffix == ".gz" else open
    count = 0
    with opener(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                raw = json.loads(line)
                path = docs_dir / Path(raw["name"]).name
                if not path.is_file() or path.read_text(encoding="utf-8") != raw["text"]:
                    path.write_text(raw["text"], encoding="utf-8")
                count += 1
    return count


def crud_index(progress: bool = True) -> CrudIndex:
    """Build (or bring up to date) the product's index of the CRUD articles under bench/results/tmp/crud."""
    from qa.index import build_index
    from qa.settings import Settings

    source = articles_file()
    if source is None:
        raise FileNotFoundError(f"CRUD articles not found ({ARTICLES}; or set QA_CRUD_DIR)")
    docs_dir, index_dir, record = WORK / "docs", WORK / "index", WORK / "build.json"
    materialize(source, docs_dir)
    settings = Settings.from_env().with_overrides(docs_dir=docs_dir, index_dir=index_dir, upload_dir=WORK / "no-uploads")
    report = build_index(settings, progress=progress)
    if not report.noop and report.embedded:
        record.write_text(json.dumps({
            "seconds": report.seconds, "chunks": report.chunks, "embedded": report.embedded,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }) + "\n", encoding="utf-8")
    build = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {"seconds": float("nan")}
    return CrudIndex(index_dir, docs_dir, build)


class ArticleBm25:
    """BM25 over whole articles with the product's tokenizer: each hit is a whole article."""

    def __init__(self, retriever: Any) -> None:
        from qa.stores import build_lexical

        started = time.perf_counter()
        documents = retriever.documents
        self.passages = [Passage(d.source, d.text) for d in documents]
        tokenize = retriever.index.tokenizer.tokenize
        self.lexical = build_lexical([tokenize(d.text) for d in documents])
        self.tokenize = tokenize
        self.seconds = time.perf_counter() - started

    def search(self, question: str, k: int = K) -> list[Passage]:
        scores = self.lexical.score(self.tokenize(normalize_question(question)))
        return [self.passages[i] for i in np.argsort(-scores, kind="stable")[:k] if scores[i] > 0]


def _bm25_build_seconds(retriever: Any) -> float:
    """Tokenizing and indexing report-qa's passages for BM25 alone."""
    from qa.index import embedding_text
    from qa.stores import build_lexical

    started = time.perf_counter()
    documents = retriever.index.documents
    build_lexical([retriever.index.tokenizer.tokenize(embedding_text(c, documents[c.source].metadata))
                   for c in retriever.index.chunks])
    return time.perf_counter() - started


def chunking_sweep(retriever: Any, questions: list[Question]) -> list[dict[str, Any]]:
    """BM25 alone (the product's tokenizer) over the articles cut into windows of each size: how much of
    an article's lexical evidence a window keeps. No embedding, so every size costs seconds; the dense
    side was measured for the size chosen only (`HEADINGLESS_MAX_CHARS`), an embedding of the 3,000
    articles taking most of an hour on this machine."""
    from qa.chunking import HEADINGLESS_MAX_CHARS, chunk_document
    from qa.documents import Paragraph
    from qa.evaluate import answer_rank
    from qa.stores import build_lexical

    tokenize = retriever.index.tokenizer.tokenize
    documents = retriever.documents
    rows = []
    for size in WINDOW_SIZES:
        pieces = [
            Passage(d.source, c.text)
            for d in documents
            # an article is one run of paragraphs (no sections), cut at paragraph ends first
            for c in chunk_document(d.source, d.text, (Paragraph(0, len(d.text)),), (), max_chars=size, window_chars=size)
        ]
        lexical = build_lexical([tokenize(p.text) for p in pieces])
        ranks = []
        for question in questions:
            scores = lexical.score(tokenize(normalize_question(question.question)))
            top = [pieces[i] for i in np.argsort(-scores, kind="stable")[:K] if scores[i] > 0]
            ranks.append(answer_rank(question, top))
        n = len(questions)
        rows.append({
            "window": size, "chosen": size == HEADINGLESS_MAX_CHARS, "passages": len(pieces),
            "hit@1": sum(r == 1 for r in ranks) / n, "hit@5": sum(r is not None for r in ranks) / n,
        })
    return rows


def question_sets() -> list[tuple[str, list[Question]]]:
    """The sample's tuning part, its held-out part, all of it, the project's own questions, and the
    held-back file when given."""
    raw = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    held = {r["id"] for r in raw if r.get("holdout")}
    questions = load_questions(QUESTIONS)
    sets = [
        ("sample, tuned on", [q for q in questions if q.id not in held]),
        ("sample, held out", [q for q in questions if q.id in held]),
        ("sample, all", questions),
        ("own, never fitted on", load_questions(OWN_QUESTIONS)),
    ]
    extra = os.environ.get("QA_CRUD_HELD_BACK")
    if extra:
        sets.append((f"held back ({Path(extra).name})", load_questions(Path(extra))))
    return sets


def run(quick: bool = False) -> dict[str, Any]:
    from qa.search import Retriever

    if articles_file() is None:
        note = f"CRUD articles not found at {ARTICLES} (or QA_CRUD_DIR): part skipped"
        log(note)
        return {"skipped": note, "markdown": f"### CRUD-RAG news sample\n\n{note}"}
    log("crud: building the product's index of the articles (reuses its vectors when current)")
    index = crud_index()
    retriever = Retriever(index_dir=index.directory)
    passages = [Passage(c.source, c.text, c.footnotes) for c in retriever.index.chunks]
    articles = ArticleBm25(retriever)
    searchers = {
        "report-qa": lambda q: retriever.search(q, K),
        "bm25": lambda q: bm25_search(retriever, passages, q),
        "dense": lambda q: dense_search(retriever, passages, q),
        "bm25-articles": articles.search,
    }
    build_seconds = {
        "report-qa": index.build["seconds"],
        "bm25": _bm25_build_seconds(retriever),
        "dense": index.build["seconds"],
        "bm25-articles": articles.seconds,
    }
    naive: NaivePipeline | None = None
    if not quick:  # its own embedding of the articles: most of an hour on this machine the first time
        log("crud: naive pipeline")
        naive = NaivePipeline(retriever.embedder, index.docs_dir)
        searchers["naive"] = naive.search
        build_seconds["naive"] = naive.embed_seconds
    sets: dict[str, Any] = {}
    outputs = []
    for name, questions in question_sets():
        log(f"crud: {name} ({len(questions)} questions)")
        result = evaluate_set(questions, searchers)
        sets[name] = result
        rows = [
            (system, data["overall"]["hit@1"], data["overall"]["hit@5"], data["overall"]["mrr@5"],
             data["latency"]["p50_ms"], build_seconds[system])
            for system, data in result["systems"].items()
        ]
        outputs.append(f"#### {name} ({result['answerable']} questions, k={K})\n\n"
                       + table(["system", "hit@1", "hit@5", "mrr@5", "p50 ms", "build s"], rows))
    log("crud: chunking sweep (BM25 alone, the tuned-on questions)")
    sweep = chunking_sweep(retriever, question_sets()[0][1])
    outputs.append("#### Windows for text without headings (BM25 alone, the questions tuned on)\n\n" + table(
        ["window (chars)", "passages", "hit@1", "hit@5"],
        [(f"{r['window']}" + (" (chosen)" if r["chosen"] else ""), r["passages"], r["hit@1"], r["hit@5"]) for r in sweep],
    ))
    payload = {
        "k": K,
        "chunking_sweep": sweep,
        "documents": len(retriever.index.documents),
        "passages": {"report-qa": len(passages), "naive": len(naive.passages) if naive else None,
                     "bm25-articles": len(articles.passages)},
        "build": index.build,
        "build_seconds": build_seconds,
        "sets": sets,
    }
    write_result("crud", payload)
    built = index.build
    naive_note = f"naive {len(naive.passages):,}" if naive else "naive not run (--quick)"
    text = (f"### Quality — CRUD-RAG news sample ({payload['documents']:,} articles; report-qa "
            f"{len(passages):,} passages, {naive_note})\n\n" + "\n\n".join(outputs))
    text += (f"\n\nreport-qa build: {built.get('seconds', float('nan')):.0f} s for {built.get('chunks', '?')} passages "
             f"(measured {built.get('when', '—')}); naive: embedding time of its passages.")
    payload["markdown"] = text
    return payload
