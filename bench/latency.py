"""Part 2 — latency of a question on the seed index, split into its parts.

For each dev question (normalized as the product does), in the same process and the same run:

- embed: `retriever.embedder.encode_queries([question])` (the query worker thread, `query_threads`);
- dense: `retriever.index.dense.search(vector, 256)` (the dense store; the candidates `qa.search` asks for);
- bm25: `retriever.index.tokenizer.tokenize` + `retriever.index.lexical.score` (the lexical store);
- search: the whole `Retriever.search(question, 5)`;
- rest = search − embed − dense − bm25 (fusion, steering, highlighting, comparison sides);
- non-embedding = search − (number of query embeddings the search made) × embed: an English comparison
  question embeds each side's anchored text (`bench.common.query_embeddings`).

Then `qa.answer.ask` end to end, and, when app.py's `build_app` launches, the chat round trip through
`gradio_client` on 127.0.0.1.
"""

from __future__ import annotations

import socket
import sys
import time
from typing import Any

from bench.common import (
    DEV_QUESTIONS,
    PROJECT_ROOT,
    TMP_DIR,
    log,
    percentile,
    summary_ms,
    table,
    time_question,
    write_result,
)
from qa.evaluate import load_questions
from qa.search import CANDIDATES


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_parts(retriever: Any, questions: list[str], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in ("embed", "dense", "bm25", "search", "rest", "non_embedding")}
    for question in questions[:3]:  # warm-up: first inference, jieba dictionary, caches
        retriever.search(question, 5)
    for _ in range(rounds):
        for question in questions:
            t = time_question(retriever, question)
            for part in ("embed", "dense", "bm25", "search"):
                times[part].append(t[part])
            times["rest"].append(max(0.0, t["search"] - t["embed"] - t["dense"] - t["bm25"]))
            times["non_embedding"].append(max(0.0, t["search"] - t["calls"] * t["embed"]))
    return times


def measure_ask(questions: list[str], index_dir: Any) -> list[float]:
    from qa.answer import ask

    ask(questions[0], index_dir=index_dir)  # loads the process-wide retriever for that directory
    seconds = []
    for question in questions:
        started = time.perf_counter()
        ask(question, index_dir=index_dir)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure_chat(questions: list[str]) -> tuple[list[float], str]:
    """Round trip through gradio_client against app.build_app on loopback; ([], note) when it cannot."""
    try:
        if str(PROJECT_ROOT) not in sys.path:
            sys.path.insert(0, str(PROJECT_ROOT))
        from gradio_client import Client

        import app
        from qa.settings import Settings

        settings = Settings.from_env().with_overrides(feedback_dir=TMP_DIR / "feedback")
        demo = app.build_app(settings=settings)
        app.launch(demo, "127.0.0.1", _free_port(), block=False)
    except Exception as error:  # optional part: any failure becomes a note
        return [], f"chat round trip skipped: app.build_app/launch failed ({type(error).__name__}: {error})"
    try:
        client = Client(demo.local_url, verbose=False)
        client.predict(message=questions[0], api_name="/ask")
        seconds = []
        for question in questions:
            started = time.perf_counter()
            client.predict(message=question, api_name="/ask")
            seconds.append(time.perf_counter() - started)
        return seconds, ""
    except Exception as error:
        return [], f"chat round trip skipped: gradio_client call failed ({type(error).__name__}: {error})"
    finally:
        demo.close()


def run(retriever: Any, *, quick: bool = False) -> dict[str, Any]:
    questions = [q.question for q in load_questions(DEV_QUESTIONS)]
    rounds = 1 if quick else 3
    log(f"latency: {len(questions)} questions × {rounds} rounds")
    parts = measure_parts(retriever, questions, rounds)
    summaries = {name: summary_ms(values) for name, values in parts.items()}
    ask_seconds = measure_ask(questions[:10] if quick else questions, retriever.settings.index_dir)
    summaries["ask"] = summary_ms(ask_seconds)
    chat_seconds, chat_note = measure_chat(questions[: 5 if quick else len(questions)])
    if chat_seconds:
        summaries["chat_round_trip"] = summary_ms(chat_seconds)
    ratios = [s / e for s, e in zip(parts["search"], parts["embed"], strict=True) if e > 0]
    ratio = {
        "p50_search_over_p50_embed": summaries["search"]["p50_ms"] / summaries["embed"]["p50_ms"],
        "median_per_question": percentile(ratios, 50),
        "p50_ask_over_p50_search": summaries["ask"]["p50_ms"] / summaries["search"]["p50_ms"],
    }
    payload = {
        "chunks": len(retriever.index.chunks),
        "questions": len(questions),
        "rounds": rounds,
        "query_threads": retriever.settings.query_threads,
        "parts": summaries,
        "retrieve_over_embed": ratio,
        "notes": [chat_note] if chat_note else [],
    }
    write_result("latency", payload)
    labels = {
        "embed": "query embedding (encode_queries)",
        "dense": f"dense search (FAISS, {CANDIDATES} candidates)",
        "bm25": "BM25 (tokenize + get_scores)",
        "rest": "fusion + rest (search − the three)",
        "non_embedding": "search − query embeddings",
        "search": "Retriever.search (whole)",
        "ask": "qa.answer.ask (end to end)",
        "chat_round_trip": "chat via gradio_client /ask",
    }
    rows = [(labels[k], v["n"], v["p50_ms"], v["p95_ms"], v["mean_ms"]) for k, v in summaries.items()]
    text = (
        f"### Latency — seed index ({payload['chunks']} chunks), {len(questions)} dev questions × {rounds}\n\n"
        + table(["part", "n", "p50 ms", "p95 ms", "mean ms"], rows)
        + f"\n\nretrieve / query-embedding: {ratio['p50_search_over_p50_embed']:.2f}× (p50 over p50), "
        f"{ratio['median_per_question']:.2f}× (median per question); "
        f"ask / retrieve: {ratio['p50_ask_over_p50_search']:.2f}× (p50 over p50)"
    )
    if chat_note:
        text += f"\n\nNote: {chat_note}"
    payload["markdown"] = text
    return payload
