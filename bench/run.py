"""`python -m bench.run [--quick] [--parts quality,unseen,crud,latency,build,scale,embedding,throughput,readers,stores]`

Runs the benchmark parts in order, prints each part's markdown tables as it finishes, writes
bench/results/<part>.json, and ends with the targets summary (bench/results/summary.json and
summary.md). A part that fails is reported and the others still run. --quick: one latency round,
scale at 50 and 500 reports, the newest four unseen reports, a sample of chunks for the embedding backends (< 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.common import RESULTS_DIR, log, write_result

PARTS = ("quality", "unseen", "crud", "latency", "build", "scale", "embedding", "throughput", "readers", "stores")

_retriever: Any = None


def shared_retriever() -> Any:
    """One Retriever on index/ for the parts that need it (model and index loaded once)."""
    global _retriever
    if _retriever is None:
        from qa.search import Retriever

        _retriever = Retriever()
    return _retriever


def _part(name: str) -> Callable[..., dict[str, Any]]:
    if name == "quality":
        from bench import quality

        return lambda quick: quality.run(shared_retriever(), quick=quick)
    if name == "unseen":
        from bench import unseen

        return lambda quick: unseen.run(quick=quick)
    if name == "crud":
        from bench import crud

        return lambda quick: crud.run(quick=quick)
    if name == "latency":
        from bench import latency

        return lambda quick: latency.run(shared_retriever(), quick=quick)
    if name == "build":
        from bench import build

        return lambda quick: build.run(quick=quick)
    if name == "scale":
        from bench import scale

        return lambda quick: scale.run(shared_retriever(), quick=quick)
    if name == "embedding":
        from bench import embedding

        return lambda quick: embedding.run(quick=quick)
    if name == "throughput":
        from bench import throughput

        return lambda quick: throughput.run(quick=quick)
    if name == "readers":
        from bench import readers

        return lambda quick: readers.run(quick=quick)
    if name == "stores":
        from bench import stores

        return lambda quick: stores.run(quick=quick)
    raise ValueError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer rounds (< 5 min)")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown parts {unknown}; choose from {PARTS}")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    from bench.summary import summarize

    started = time.perf_counter()
    results: dict[str, Any] = {}
    failures: dict[str, str] = {}
    mode = "quick" if args.quick else "full"
    print(f"# report-qa benchmarks ({mode})\n", flush=True)
    for name in parts:
        part_started = time.perf_counter()
        log(f"== {name}")
        try:
            results[name] = _part(name)(args.quick)
        except Exception as error:  # one broken part must not hide the others
            failures[name] = f"{type(error).__name__}: {error}"
            traceback.print_exc()
            print(f"### {name}: FAILED — {failures[name]}\n", flush=True)
            continue
        seconds = time.perf_counter() - part_started
        results[name]["seconds"] = seconds
        print(results[name].get("markdown", ""), flush=True)
        print(f"\n_{name}: {seconds:.0f} s_\n", flush=True)

    summary_text, summary = summarize(results, previous_dir=RESULTS_DIR)
    summary["mode"] = mode
    summary["failures"] = failures
    summary["seconds"] = time.perf_counter() - started
    write_result("summary", summary)
    (RESULTS_DIR / "summary.md").write_text(summary_text + "\n", encoding="utf-8")
    print(summary_text, flush=True)
    print(f"\n_total: {summary['seconds']:.0f} s ({mode})_", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
