"""Building, updating, swapping and loading the index on disk, and what goes wrong with it: bad report
files beside good ones, damaged and mismatched indexes, builds killed at random moments (the numbers
these tests print go into README "Reliability").

Mechanics only: one or two seed reports, and vectors from the hash embedder (tests/hash_embedder.py),
so that no test here waits for the model; the module's one build is copied for each test that needs an
index, and a test that changes the folder reuses its vectors.
"""

from __future__ import annotations

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
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from qa import index as index_module
from qa.cli import main as cli_main
from qa.highlight import answer_clauses, answer_sentences, clauses, sentence_vector
from qa.index import (
    BuildError,
    IndexDamagedError,
    IndexMismatchError,
    IndexMissingError,
    build_index,
    current_generation,
    index_status,
    load_index,
    scan_reports,
)
from qa.ingest import load_document
from qa.settings import Settings
from qa.storage import file_sha256
from qa.stores import build_dense
from qa.stores.faiss import FaissStore
from tests.conftest import ROOT, SECOND_SEED, SMALL_SEED, copy_seeds, settings_for
from tests.hash_embedder import HashEmbedder

SEED = SMALL_SEED
SMALL = [SMALL_SEED, SECOND_SEED]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def pair(tmp_path: Path, hash_embedder) -> Settings:
    """Two seed reports, not indexed yet."""
    return settings_for(copy_seeds(tmp_path / "docs", *SMALL), tmp_path / "index")


# ---------------------------------------------------------------- building, updating, swapping


def test_build_then_noop_then_incremental_then_removal(pair: Settings) -> None:
    first = build_index(pair, progress=False)
    assert first.added == SMALL and first.embedded == first.chunks > 50
    built = load_index(pair.index_dir)
    clause_texts = {text for c in built.chunks for text in answer_clauses(c.text, c.footnotes)}
    sentences = {text for c in built.chunks for text, _ in answer_sentences(c.text, c.footnotes)}
    assert set(built.sentence_vectors) == clause_texts | sentences
    assert first.sentences_embedded == len(clause_texts) > first.chunks  # the clauses are embedded, not the sentences
    some = sorted(clause_texts)[:20]
    assert np.allclose(np.stack([built.sentence_vectors[t] for t in some]), HashEmbedder().encode_passages(some))
    several = next(t for t in sorted(sentences) if len(clauses(t)) > 1)
    assert np.allclose(built.sentence_vectors[several], sentence_vector(several, built.sentence_vectors))

    again = build_index(pair, progress=False)
    assert again.noop and again.embedded == 0 and again.seconds < 2

    changed = pair.docs_dir / SMALL[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n新增一段：全年新建口袋公园 3 座。\n", encoding="utf-8")
    update = build_index(pair, progress=False)
    assert update.changed == [SMALL[0]] and update.unchanged == [SMALL[1]]
    assert 0 < update.embedded <= 3, "only the passages whose text changed are embedded again"
    assert update.sentences_embedded == 1, "only the new sentence is embedded; the others' vectors are reused"

    (pair.docs_dir / SMALL[1]).unlink()
    removal = build_index(pair, progress=False)
    assert removal.removed == [SMALL[1]] and removal.embedded == 0 == removal.sentences_embedded
    loaded = load_index(pair.index_dir)
    assert {c.source for c in loaded.chunks} == {SMALL[0]}
    assert any("口袋公园" in c.text for c in loaded.chunks)
    assert len(list(pair.index_dir.glob("gen-*"))) == 1, "old generations are removed"


def test_failed_build_keeps_the_previous_index(pair: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    build_index(pair, progress=False)
    before = current_generation(pair.index_dir)
    (pair.docs_dir / "new.txt").write_text("一、2024年工作回顾\n\n全年新增绿地 5 公顷。\n", encoding="utf-8")

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(FaissStore, "save", explode)
        with pytest.raises(OSError, match="disk full"):
            build_index(pair, progress=False)
    assert current_generation(pair.index_dir) == before
    assert {c.source for c in load_index(pair.index_dir).chunks} == set(SMALL)
    report = build_index(pair, progress=False)
    assert report.added == ["new.txt"] and not list(pair.index_dir.glob(".tmp-*"))


def test_damaged_and_mismatched_indexes_are_reported_clearly(pair: Settings) -> None:
    with pytest.raises(IndexMissingError, match="qa build"):
        load_index(pair.index_dir)
    build_index(pair, progress=False)
    with pytest.raises(IndexMismatchError, match="qa build --full"):
        load_index(pair.index_dir, expected_model="intfloat/multilingual-e5-base")
    dense = current_generation(pair.index_dir) / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:100])
    with pytest.raises(IndexDamagedError, match="qa build --full"):
        load_index(pair.index_dir)


def test_staleness_follows_files_chunker_and_model(pair: Settings) -> None:
    assert index_status(pair).stale
    build_index(pair, progress=False)
    assert not index_status(pair).stale
    assert index_status(pair.with_overrides(chunk_max_chars=pair.chunk_max_chars + 1)).stale
    assert index_status(pair.with_overrides(model="intfloat/multilingual-e5-base")).stale
    (pair.docs_dir / SMALL[0]).write_text("一、变了\n\n内容。\n", encoding="utf-8")
    assert "report files changed" in index_status(pair).reasons


def test_committed_index_is_current() -> None:
    """index/ in the repository must be rebuilt whenever seeds, chunker or model change."""
    status = index_status(Settings.from_env())
    assert not status.stale, f"index/ is stale ({'; '.join(status.reasons)}): run `qa build`"


def test_no_tracked_file_is_also_ignored() -> None:
    """index/CURRENT and the live generation are tracked; the lock and a build's work in progress are
    ignored; no file is both (a fresh clone must get the index, and a build must not dirty the tree)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert listed == []
    tracked = subprocess.run(
        ["git", "ls-files", "index"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    live = (ROOT / "index" / "CURRENT").read_text(encoding="utf-8").strip()
    assert "index/CURRENT" in tracked and any(path.startswith(f"index/{live}/") for path in tracked)
    assert "index/.lock" not in tracked


def snapshot(directory: Path) -> dict[str, str]:
    """Every file of an index directory (the lock file aside) → sha256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


# ---------------------------------------------------------------- bad report files

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


def test_the_day_questions_are_asked_on_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_TODAY", "2024-02-29")
    assert Settings.from_env().current_year == 2024
    monkeypatch.delenv("QA_TODAY")
    assert Settings.from_env().current_year == date.today().year
    for bad in ("2024-13-01", "24-1-1", "明天"):
        monkeypatch.setenv("QA_TODAY", bad)
        with pytest.raises(ValueError, match="QA_TODAY"):
            Settings.from_env()


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


# ---------------------------------------------------------------- damaged and mismatched indexes


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


@pytest.mark.parametrize(("name", "how"), [("manifest.json", "garbage"), ("dense.faiss", "truncated")])
def test_a_damaged_index_is_repaired_by_full_build(corpus: Settings, name: str, how: str, capsys) -> None:
    _corrupt(current_generation(corpus.index_dir) / name, how)
    assert cli_main(["ask", "庙行镇2023年上半年新增了多少户企业？", "--index", str(corpus.index_dir)]) == 1
    err = capsys.readouterr().err
    assert "qa build --full" in err and "Traceback" not in err
    build_index(corpus, full=True, progress=False)
    assert {c.source for c in load_index(corpus.index_dir).chunks} == {SEED}


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
    rows = len(load_index(index).chunks)
    build_dense(np.full((rows, dimension), dimension**-0.5, dtype=np.float32)).save(generation)
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


# ---------------------------------------------------------------- killed builds

KILLS = int(os.environ.get("QA_TEST_KILLS", "20"))
EXTRA = "extra_004.txt"


def _extra_report(chars: int = 5000) -> str:
    """The head of another seed report, cut at a line end: a second, smaller report (a dozen passages)."""
    text = (ROOT / "seeds" / SECOND_SEED).read_text(encoding="utf-8")
    return text[: text.rfind("\n", 0, chars) + 1]


def _expected_chunks(docs: Path, settings: Settings) -> int:
    return sum(len(load_document(p, max_chunk_chars=settings.chunk_max_chars).chunks) for p in docs.glob("*.txt"))


def _run_build(docs: Path, index: Path) -> subprocess.Popen:
    """`qa build` in a process of its own, with the hash embedder."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.hash_embedder", "build", "--docs", str(docs), "--index", str(index), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _timed_build(docs: Path, index: Path) -> float:
    started = time.perf_counter()
    assert _run_build(docs, index).wait(timeout=300) == 0
    return time.perf_counter() - started


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
        assert len(loaded.chunks) == len(loaded.dense) == expected[sources]
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
