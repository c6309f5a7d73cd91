"""Shared helpers: timing, percentiles, markdown tables, result files, memory."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
TMP_DIR = RESULTS_DIR / "tmp"
DEV_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev.jsonl"
OWN_QUESTIONS = PROJECT_ROOT / "tests" / "questions.jsonl"
#: The day the project's question sets were written on: their 「今年」「去年」 mean the years of that day,
#: so the bench and the tests read them against it (`Settings.today`), whatever the date they run on.
QUESTIONS_ASKED_ON = "2026-12-03"
os.environ.setdefault("QA_TODAY", QUESTIONS_ASKED_ON)


def question_files() -> list[tuple[str, Path | None, str]]:
    """(name, path or None, note) for each question set; a missing one gets a note instead of a path."""
    found = []
    for name, path in (("dev", DEV_QUESTIONS), ("own", OWN_QUESTIONS)):
        if path.is_file():
            found.append((name, path, ""))
        else:
            found.append((name, None, f"{path} not found: skipped"))
    return found


def query_embeddings(retriever: Any, question: str) -> int:
    """How many query embeddings `Retriever.search` makes for `question`: one per distinct text embedded
    (the sides of a comparison share the question's, unless an English question anchors each side)."""
    from qa.query import comparison_sides

    reading = retriever.read(question)
    return len({side.anchored_text for side in [reading, *comparison_sides(reading)]})


def time_question(retriever: Any, question: str) -> dict[str, float]:
    """One question through a `qa.search.Retriever`, timed by part in the same pass: the query embedding,
    the dense store's search for the candidates `qa.search` asks for, the lexical store (tokenize +
    scores), the whole
    `search`, and how many query embeddings that search made (`query_embeddings`)."""
    from qa.search import CANDIDATES
    from qa.text import normalize_question

    text = normalize_question(question)
    t0 = time.perf_counter()
    vector = retriever.embedder.encode_queries([text])
    t1 = time.perf_counter()
    retriever.index.dense.search(vector, min(len(retriever.index.chunks), CANDIDATES))
    t2 = time.perf_counter()
    retriever.index.lexical.score(retriever.index.tokenizer.tokenize(text))
    t3 = time.perf_counter()
    retriever.search(question, 5)
    t4 = time.perf_counter()
    return {"embed": t1 - t0, "dense": t2 - t1, "bm25": t3 - t2, "search": t4 - t3,
            "calls": query_embeddings(retriever, question)}


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/mean of a list of durations in seconds, as milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
    }


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A markdown table; floats get 3 significant decimals."""

    def cell(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            if value != value:  # NaN
                return "—"
            return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    import numpy
    import torch

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "numpy": numpy.__version__,
    }


def write_result(name: str, payload: dict[str, Any]) -> Path:
    """bench/results/<name>.json, with the time and machine; returns the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    document = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), **payload}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n", encoding="utf-8")
    return path


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def peak_rss_mb_self() -> float:
    """Peak resident set size of this process in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb_now() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover - psutil is in the bench extra
        return peak_rss_mb_self()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
