"""Load test of the chat API: `python -m bench.load [--seconds 60] [--clients 20]`.

The app is launched in-process on a free port (as tests/test_app.py does) and N `gradio_client`
clients, run in a second process (users are not inside the server's interpreter), ask the dev questions (tests/data/dev.jsonl, those with a report) through `/ask` for a
bounded time, each request in a fresh session so that no question is read as a follow-up of another.

Reported: requests, failed requests (an exception or an empty reply; must be 0), correctness (the
reply answers and one of its cited passages is from the question's report), abstentions, p50/p95
latency, throughput, and the resident memory of the process after a warm-up (every question asked
once) and after the run (must grow < 10%). A markdown table is printed and bench/results/load.json
written; the exit status is 1 when a request failed or memory grew by 10% or more.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import multiprocessing
import platform
import socket
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory

import psutil

from bench.common import DEV_QUESTIONS, PROJECT_ROOT, percentile

RESULTS = PROJECT_ROOT / "bench" / "results" / "load.json"
MAX_GROWTH = 0.10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def load_questions(path: Path) -> list[dict]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [item for item in items if item.get("doc")]


def cites_report(messages: list[dict], label: str) -> bool:
    """An answer (not 「未找到答案」) with a cited passage from the report labelled `label`."""
    from qa import chat

    if not messages or "qa-none" in messages[0]["content"]:
        return False
    titles = [
        chat.strip_tags((m.get("metadata") or {}).get("title", ""))
        for m in messages[1:]
        if not (m.get("metadata") or {}).get("status")
    ]
    return any(label in title for title in titles)


def drive(url: str, questions: list[dict], labels: dict[str, str], clients: int, seconds: float | None) -> tuple[list[dict], float]:
    """`clients` gradio_client clients asking `questions` in turn for `seconds` (None: each question once,
    a warm-up), in the process this runs in: the bench runs it in a process of its own, so that the
    clients' own work (HTTP, JSON, their threads) does not share the server's interpreter lock, as
    remote users would not. Returns each request's record and the wall time of the run."""
    from gradio_client import Client

    logging.getLogger("httpx").setLevel(logging.WARNING)
    pool = [Client(url, verbose=False) for _ in range(clients)]

    def ask(client: Client, question: str) -> list[dict]:
        client.reset_session()  # a fresh session: no follow-up context
        return client.predict(message=question, api_name="/ask")

    if seconds is None:
        warm = [
            threading.Thread(target=lambda c=c, i=i: [ask(c, q["question"]) for q in questions[i::clients]])
            for i, c in enumerate(pool)
        ]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        return [], 0.0

    records: list[dict] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int, client: Client) -> None:
        turn = n
        while time.monotonic() < deadline:
            item = questions[turn % len(questions)]
            turn += clients
            started = time.perf_counter()
            try:
                messages = ask(client, item["question"])
                error = None if messages else "empty reply"
            except Exception as exc:  # a failed request is what this counts
                messages, error = [], f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            record = {
                "id": item["id"],
                "seconds": elapsed,
                "error": error,
                "correct": error is None and cites_report(messages, labels[item["doc"]]),
                "abstained": bool(messages) and "qa-none" in messages[0]["content"],
            }
            with lock:
                records.append(record)

    threads = [threading.Thread(target=worker, args=(n, c)) for n, c in enumerate(pool)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records, time.perf_counter() - started


def run(seconds: float, clients: int, index_dir: Path | None) -> dict:
    import app
    from qa import chat
    from qa.search import get_retriever
    from qa.settings import Settings

    questions = load_questions(DEV_QUESTIONS)
    rss_start = _rss_mb()
    with TemporaryDirectory(prefix="qa-load-feedback-") as feedback:
        settings = Settings.from_env().with_overrides(feedback_dir=Path(feedback), index_dir=index_dir)
        demo = app.build_app(settings=settings)
        app.launch(demo, "127.0.0.1", _free_port(), block=False)
        try:
            retriever = get_retriever(settings.index_dir)  # waits for the start-up load
            labels = {
                d.source: chat.report_label(d.metadata.town, d.metadata.title, d.metadata.date, d.source)
                for d in retriever.documents
            }
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as clients_process:
                # Warm-up: every question once, spread over the clients (not counted).
                clients_process.submit(drive, demo.local_url, questions, labels, clients, None).result()
                rss_before = _rss_mb()
                timeline = []  # (seconds, RSS MB) every 5 s: growth that levels off is not a leak
                running = clients_process.submit(drive, demo.local_url, questions, labels, clients, seconds)
                started = sampled = time.perf_counter()
                while not running.done():
                    time.sleep(0.2)
                    if time.perf_counter() - sampled >= 5:
                        sampled = time.perf_counter()
                        timeline.append((round(sampled - started, 1), round(_rss_mb(), 1)))
                records, wall = running.result()
            rss_after = _rss_mb()
            sessions = len(getattr(getattr(demo, "state_holder", None), "session_data", ()))
        finally:
            demo.close()

    latencies = [r["seconds"] * 1000 for r in records]
    failed = [r for r in records if r["error"]]
    ok = [r for r in records if not r["error"]]
    return {
        "clients": clients,
        "seconds": seconds,
        "wall_seconds": round(wall, 2),
        "questions": len(questions),
        "requests": len(records),
        "failed": len(failed),
        "failures": sorted({r["error"] for r in failed})[:10],
        "correct": sum(r["correct"] for r in ok),
        "correct_rate": round(sum(r["correct"] for r in ok) / max(1, len(ok)), 4),
        "abstained": sum(r["abstained"] for r in ok),
        "throughput_rps": round(len(records) / wall, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "rss_start_mb": round(rss_start, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "rss_growth": round(rss_after / rss_before - 1, 4),
        "sessions_kept": sessions,
        "rss_timeline_mb": timeline,
        "machine": {"cpus": psutil.cpu_count(), "python": platform.python_version()},
    }


def markdown(result: dict) -> str:
    rows = [
        ("concurrent clients", f"{result['clients']}"),
        ("duration", f"{result['wall_seconds']} s"),
        ("requests", f"{result['requests']} ({result['throughput_rps']}/s)"),
        ("failed requests", f"{result['failed']}"),
        (
            "cites the expected report",
            f"{result['correct']} / {result['requests'] - result['failed']} ({result['correct_rate']:.1%})",
        ),
        ("abstentions", f"{result['abstained']}"),
        ("latency p50 / p95 / max", f"{result['p50_ms']:.0f} / {result['p95_ms']:.0f} / {result['max_ms']:.0f} ms"),
        (
            "resident memory after warm-up → after",
            f"{result['rss_before_mb']:.0f} → {result['rss_after_mb']:.0f} MB ({result['rss_growth']:+.1%})",
        ),
    ]
    lines = ["| load test (`python -m bench.load`) | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients ask (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default index/)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"result file (default {RESULTS})")
    args = parser.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **run(args.seconds, args.clients, args.index)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    problems = []
    if result["failed"]:
        problems.append(f"{result['failed']} failed requests: {result['failures']}")
    if result["rss_growth"] >= MAX_GROWTH:
        problems.append(f"memory grew {result['rss_growth']:.1%} (limit {MAX_GROWTH:.0%})")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
