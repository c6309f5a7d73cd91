"""Load test of the chat API: `python -m bench.load [--seconds 60] [--clients 20] [--client http|gradio]`.

The app is launched in-process on a free port (as tests/test_app.py does) and N clients, run in a
second process (users are not inside the server's interpreter), ask through `/ask` for a bounded time,
each request in a fresh session so that no question is read as a follow-up of another. The dev
questions (tests/data/dev.jsonl) warm the server up, once each; the timed run asks the project's other
questions (`asked_questions`: answerable ones and near misses), which the server has not seen.

Two kinds of client speak to the same endpoint:
- `http` (default): Gradio's documented REST API (POST /gradio_api/call/ask, then read the event
  stream), as `curl` or any HTTP library would, over one keep-alive connection per client.
- `gradio`: the `gradio_client` package (a session reset and a queue join per question). On this
  2-core machine it costs the client process about twice the server's CPU per answer, so the run
  measures the load generator as much as the server: the figure is kept for comparison with runs before.

Reported: requests (and how many were a question's first ask), failed requests (an exception or an
empty reply; must be 0), correctness over the answerable questions asked (the reply answers and one of
its cited passages is from the question's report), replies that answer nothing, p50/p95 latency,
throughput, the CPU time per answer of the server's process and of the clients' process
(measured over the same run: the server's is what serving costs, whatever machine the clients run on),
and the memory of the process after the warm-up and after the run: resident, and private (resident less
the mapped index and model files, whose pages become resident as new questions first touch them; it
must grow < 10%: a leak grows it). A markdown table is printed and bench/results/load.json written; the exit status is
1 when a request failed or memory grew by 10% or more.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import multiprocessing
import os
import platform
import random
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from tempfile import TemporaryDirectory

import psutil

from bench.common import DEV_QUESTIONS, PROJECT_ROOT, percentile

RESULTS = PROJECT_ROOT / "bench" / "results" / "load.json"
TIMED_QUESTIONS = [
    PROJECT_ROOT / "tests" / "questions.jsonl",
    *(PROJECT_ROOT / "tests" / "data" / f"{name}.jsonl" for name in ("counts", "lists_definitions", "english", "nearmiss", "nearmiss_more")),
]
MAX_GROWTH = 0.10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _memory_mb() -> tuple[float, float]:
    """(resident, private) memory of this process. Private is resident less the file-backed pages it
    shares (the index's and the model's mapped files, resident as questions first touch them): what a
    leak would grow."""
    gc.collect()
    memory = psutil.Process().memory_info()
    return memory.rss / 2**20, (memory.rss - memory.shared) / 2**20


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def load_questions(*paths: Path) -> list[dict]:
    """The questions of `paths`, each question text once."""
    items = [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list({item["question"]: item for item in items}.values())


def asked_questions() -> list[dict]:
    """What the timed run asks: every question of the project's sets except the warm-up's (the dev
    set), answerable ones and near misses, in a fixed shuffled order. A server that remembers what it
    was asked (a cache of question or sentence vectors) gains nothing on a question's first ask, and
    most users' questions are new: the run reports how many requests were first asks."""
    warm_up = {d["question"] for d in load_questions(DEV_QUESTIONS)}
    questions = [q for q in load_questions(*TIMED_QUESTIONS) if q["question"] not in warm_up]
    random.Random(0).shuffle(questions)
    return questions


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


def _gradio_asker(url: str) -> Callable[[str], list[dict]]:
    from gradio_client import Client

    client = Client(url, verbose=False)

    def ask(question: str) -> list[dict]:
        client.reset_session()  # a fresh session: no follow-up context
        return client.predict(message=question, api_name="/ask")

    return ask


def _http_asker(url: str) -> Callable[[str], list[dict]]:
    """Gradio's REST API: POST the inputs (the question, town and report filters; the previous
    question is session state, empty in a call of its own), then read the event stream to its end."""
    import httpx

    from app import ALL  # the town and report filters' "no filter"

    client = httpx.Client(base_url=url.rstrip("/"), timeout=60)

    def ask(question: str) -> list[dict]:
        posted = client.post("/gradio_api/call/ask", json={"data": [question, ALL, ALL]})
        posted.raise_for_status()
        event, data = "", ""
        with client.stream("GET", f"/gradio_api/call/ask/{posted.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = line.removeprefix("data:").strip()
                    break
        if event != "complete":
            raise RuntimeError(f"event {event or 'none'}: {data[:200]}")
        return json.loads(data)[0]

    return ask


ASKERS = {"http": _http_asker, "gradio": _gradio_asker}


def drive(
    url: str, questions: list[dict], labels: dict[str, str], clients: int, seconds: float | None, kind: str = "http"
) -> tuple[list[dict], float]:
    """`clients` clients of `kind` (`ASKERS`) asking `questions` in turn for `seconds` (None: each
    question once, a warm-up), in the process this runs in: the bench runs it in a process of its own,
    so that the clients' own work (HTTP, JSON, their threads) does not share the server's interpreter
    lock, as remote users would not. Returns each request's record and the wall time of the run."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    pool = [ASKERS[kind](url) for _ in range(clients)]

    if seconds is None:
        warm = [
            threading.Thread(target=lambda ask=ask, i=i: [ask(q["question"]) for q in questions[i::clients]])
            for i, ask in enumerate(pool)
        ]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        return [], 0.0

    records: list[dict] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(n: int, ask: Callable[[str], list[dict]]) -> None:
        turn = n
        while time.monotonic() < deadline:
            item = questions[turn % len(questions)]
            turn += clients
            started = time.perf_counter()
            try:
                messages = ask(item["question"])
                error = None if messages else "empty reply"
            except Exception as exc:  # a failed request is what this counts
                messages, error = [], f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            record = {
                "id": item["id"],
                "answerable": bool(item.get("doc")),
                "first_ask": turn - clients < len(questions),
                "seconds": elapsed,
                "error": error,
                "correct": error is None and bool(item.get("doc")) and cites_report(messages, labels[item["doc"]]),
                "abstained": bool(messages) and "qa-none" in messages[0]["content"],
            }
            with lock:
                records.append(record)

    threads = [threading.Thread(target=worker, args=(n, ask)) for n, ask in enumerate(pool)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records, time.perf_counter() - started


def run(seconds: float, clients: int, index_dir: Path | None, kind: str = "http") -> dict:
    import app
    from qa import chat
    from qa.search import get_retriever
    from qa.settings import Settings

    warm_up, questions = load_questions(DEV_QUESTIONS), asked_questions()
    rss_start, _ = _memory_mb()
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
                clients_process.submit(drive, demo.local_url, warm_up, labels, clients, None, kind).result()
                rss_before, private_before = _memory_mb()
                timeline = []  # (seconds, resident MB, private MB) every 5 s: growth that levels off is not a leak
                server = psutil.Process()
                client_process = psutil.Process(clients_process.submit(os.getpid).result())  # the pool's one worker
                server_cpu, client_cpu = _cpu_seconds(server), _cpu_seconds(client_process)
                running = clients_process.submit(drive, demo.local_url, questions, labels, clients, seconds, kind)
                started = sampled = time.perf_counter()
                while not running.done():
                    time.sleep(0.2)
                    client_cpu_now = _cpu_seconds(client_process)  # read while the worker lives
                    if time.perf_counter() - sampled >= 5:
                        sampled = time.perf_counter()
                        timeline.append((round(sampled - started, 1), *(round(mb, 1) for mb in _memory_mb())))
                records, wall = running.result()
                server_cpu, client_cpu = _cpu_seconds(server) - server_cpu, max(_cpu_seconds(client_process), client_cpu_now) - client_cpu
            rss_after, private_after = _memory_mb()
            sessions = len(getattr(getattr(demo, "state_holder", None), "session_data", ()))
        finally:
            demo.close()

    latencies = [r["seconds"] * 1000 for r in records]
    failed = [r for r in records if r["error"]]
    ok = [r for r in records if not r["error"]]
    answerable = [r for r in ok if r["answerable"]]
    first = [r["seconds"] * 1000 for r in records if r["first_ask"]]
    answers = max(1, len(records))
    return {
        "client": kind,
        "clients": clients,
        "seconds": seconds,
        "wall_seconds": round(wall, 2),
        "questions": len(questions),
        "requests": len(records),
        "first_asks": len(first),
        "first_ask_p50_ms": round(percentile(first, 50), 1),
        "failed": len(failed),
        "failures": sorted({r["error"] for r in failed})[:10],
        "answerable_requests": len(answerable),
        "correct": sum(r["correct"] for r in answerable),
        "correct_rate": round(sum(r["correct"] for r in answerable) / max(1, len(answerable)), 4),
        "abstained": sum(r["abstained"] for r in ok),
        "throughput_rps": round(len(records) / wall, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=float("nan")), 1),
        "server_cpu_ms_per_answer": round(1000 * server_cpu / answers, 1),
        "client_cpu_ms_per_answer": round(1000 * client_cpu / answers, 1),
        "rss_start_mb": round(rss_start, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "rss_growth": round(rss_after / rss_before - 1, 4),
        "private_before_mb": round(private_before, 1),
        "private_after_mb": round(private_after, 1),
        "private_growth": round(private_after / private_before - 1, 4),
        "sessions_kept": sessions,
        "rss_timeline_mb": timeline,
        "machine": {"cpus": psutil.cpu_count(), "python": platform.python_version()},
    }


def markdown(result: dict) -> str:
    rows = [
        ("concurrent clients", f"{result['clients']} ({result['client']})"),
        ("duration", f"{result['wall_seconds']} s"),
        ("requests", f"{result['requests']} ({result['throughput_rps']}/s)"),
        ("distinct questions; requests that were a question's first ask", f"{result['questions']}; {result['first_asks']}"),
        ("failed requests", f"{result['failed']}"),
        (
            "answerable asked: the reply cites the expected report",
            f"{result['correct']} / {result['answerable_requests']} ({result['correct_rate']:.1%})",
        ),
        ("replies that answer nothing (near misses included)", f"{result['abstained']}"),
        ("latency p50 / p95 / max", f"{result['p50_ms']:.0f} / {result['p95_ms']:.0f} / {result['max_ms']:.0f} ms"),
        ("latency p50 of first asks", f"{result['first_ask_p50_ms']:.0f} ms"),
        (
            "CPU per answer: server / clients",
            f"{result['server_cpu_ms_per_answer']:.0f} / {result['client_cpu_ms_per_answer']:.0f} ms",
        ),
        (
            "resident memory after warm-up → after",
            f"{result['rss_before_mb']:.0f} → {result['rss_after_mb']:.0f} MB ({result['rss_growth']:+.1%})",
        ),
        (
            "private memory (resident less mapped files) after warm-up → after",
            f"{result['private_before_mb']:.0f} → {result['private_after_mb']:.0f} MB ({result['private_growth']:+.1%})",
        ),
    ]
    lines = ["| load test (`python -m bench.load`) | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients ask (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--client", choices=sorted(ASKERS), default="http", help="kind of client (default http; see above)")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default index/)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"result file (default {RESULTS})")
    args = parser.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **run(args.seconds, args.clients, args.index, args.client)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    problems = []
    if result["failed"]:
        problems.append(f"{result['failed']} failed requests: {result['failures']}")
    if result["private_growth"] >= MAX_GROWTH:
        problems.append(f"private memory grew {result['private_growth']:.1%} (limit {MAX_GROWTH:.0%})")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
