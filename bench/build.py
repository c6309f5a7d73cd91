"""Part 3 — building the index, and the memory of building and of serving.

Each build is a separate `qa build --docs DOCS --index TMP -q` process (so the model load is included)
over a copy of seeds/ in a temporary folder, into a temporary index:

1. cold: an empty index directory;
2. no-op: nothing changed (the build only hashes the files);
3. one report changed: a paragraph appended to one report (only its changed chunks are re-embedded).

Peak RSS of each process is its ru_maxrss, read by a small wrapper process (see `_WRAPPER`). The serving process
loads a Retriever on the cold-built index and answers a few dev questions with `qa.answer.ask`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import DEV_QUESTIONS, PROJECT_ROOT, TMP_DIR, log, table, write_result

APPENDED = (
    "\n\n（五）基准测试补充段落。全年新增智慧路灯 128 盏，完成老旧小区雨污混接改造 3.6 公里，"
    "新建社区食堂 2 家，为辖区 1200 名老人提供助餐服务。\n"
)

_SUMMARY = re.compile(r"段落块 (\d+)（新嵌入 (\d+)，复用 (\d+)）；用时 ([\d.]+) 秒")

SERVE_SCRIPT = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from qa.answer import ask
questions = json.loads(sys.argv[2])
ask(questions[0], index_dir=sys.argv[1])
loaded = time.perf_counter() - t0
seconds = []
for q in questions:
    s = time.perf_counter(); ask(q, index_dir=sys.argv[1]); seconds.append(time.perf_counter() - s)
import psutil
print(json.dumps({"load_and_first_s": loaded, "ask_s": seconds,
                  "rss_mb": psutil.Process().memory_info().rss / 2**20,
                  "peak_rss_mb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


#: Runs the measured command and reports its rusage. Linux carries a process's RSS high-water mark
#: across fork and exec, so the command is started from this small interpreter, not from the bench
#: process (which holds the model and would lend it its own size).
_WRAPPER = r"""
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - started
u = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as handle:
    json.dump({"rc": rc, "wall_s": wall, "maxrss_kb": u.ru_maxrss, "user_s": u.ru_utime, "sys_s": u.ru_stime}, handle)
"""


def run_child(argv: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command to completion; its wall time, exit code, output and its own peak RSS (MiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, "-c", _WRAPPER, report.name, *argv], cwd=cwd, stdout=out, stderr=err,
                       env=env, check=False)
        usage = json.loads(Path(report.name).read_text() or "{}")
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {
        "argv": argv,
        "rc": usage.get("rc", -1),
        "wall_s": usage.get("wall_s", float("nan")),
        "peak_rss_mb": usage.get("maxrss_kb", 0) / 1024,
        "user_s": usage.get("user_s"),
        "sys_s": usage.get("sys_s"),
        "stdout": stdout[-2000:],
        "stderr": stderr[-2000:],
    }


def _qa_command() -> list[str]:
    qa = Path(sys.executable).with_name("qa")
    return [str(qa)] if qa.exists() else [sys.executable, "-m", "qa.cli"]


def _build(docs: Path, index: Path) -> dict[str, Any]:
    result = run_child([*_qa_command(), "build", "--docs", str(docs), "--index", str(index), "-q"], cwd=PROJECT_ROOT)
    if result["rc"] != 0:
        raise RuntimeError(f"qa build failed (rc {result['rc']}): {result['stderr'][-500:]}")
    match = _SUMMARY.search(result["stdout"] + result["stderr"])
    if match:
        result.update(chunks=int(match[1]), embedded=int(match[2]), reused=int(match[3]), internal_s=float(match[4]))
    else:
        manifest_chunks = None
        try:
            current = (index / "CURRENT").read_text().strip()
            manifest_chunks = json.loads((index / current / "manifest.json").read_text())["counts"]["chunks"]
        except (OSError, ValueError, KeyError):
            pass
        result.update(chunks=manifest_chunks, embedded=None, reused=None, internal_s=None)
    return result


def run(*, quick: bool = False) -> dict[str, Any]:
    from qa.evaluate import load_questions
    from qa.settings import Settings

    settings = Settings.from_env()
    TMP_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=TMP_DIR))
    try:
        docs, index = work / "docs", work / "index"
        shutil.copytree(settings.docs_dir, docs)
        log("build: cold")
        cold = _build(docs, index)
        log("build: no-op")
        noop = _build(docs, index)
        changed_file = sorted(docs.iterdir())[0]
        with changed_file.open("a", encoding="utf-8") as handle:
            handle.write(APPENDED)
        log(f"build: one report changed ({changed_file.name})")
        changed = _build(docs, index)

        questions = [q.question for q in load_questions(DEV_QUESTIONS)][: 3 if quick else 20]
        log("build: serving process")
        serve = run_child([sys.executable, "-c", SERVE_SCRIPT, str(index), json.dumps(questions, ensure_ascii=False)],
                          cwd=PROJECT_ROOT)
        if serve["rc"] != 0:
            raise RuntimeError(f"serving process failed: {serve['stderr'][-500:]}")
        serving = json.loads(serve["stdout"].strip().splitlines()[-1])
        serving["peak_rss_mb"] = serve["peak_rss_mb"]
        serving["wall_s"] = serve["wall_s"]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def rate(build: dict[str, Any]) -> float | None:
        if build.get("embedded") and build.get("internal_s"):
            return build["embedded"] / build["internal_s"]
        return None

    for build in (cold, noop, changed):
        build["passages_per_s"] = rate(build)
        build.pop("stdout", None)
    payload = {
        "reports": len(list(settings.docs_dir.glob("*.txt"))) + len(list(settings.docs_dir.glob("*.md"))),
        "cold": cold,
        "noop": noop,
        "one_changed": {**changed, "file": changed_file.name},
        "serving": serving,
    }
    write_result("build", payload)
    rows = [
        (name, b["wall_s"], b.get("internal_s"), b.get("chunks"), b.get("embedded"), b.get("passages_per_s"),
         b["peak_rss_mb"])
        for name, b in (("cold (model load included)", cold), ("no-op", noop), ("one report changed", changed))
    ]
    text = (
        "### Build — seeds/ copy into a temporary index, each build a `qa build` process\n\n"
        + table(["build", "wall s", "reported s", "chunks", "embedded", "embedded/s (reported s)", "peak RSS MiB"], rows)
        + "\n\n"
        + table(
            ["serving process", "load + first ask s", "ask p50 ms", "RSS MiB (end)", "peak RSS MiB"],
            [(
                f"Retriever + {len(serving['ask_s'])} asks",
                serving["load_and_first_s"],
                sorted(serving["ask_s"])[len(serving["ask_s"]) // 2] * 1000,
                serving["rss_mb"],
                serving["peak_rss_mb"],
            )],
        )
        + "\n\n'wall s' is the whole process (interpreter start and imports included); 'reported s' is the"
        " build's own timer (model load included when something is embedded)."
    )
    payload["markdown"] = text
    return payload
