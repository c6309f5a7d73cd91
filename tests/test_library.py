"""`qa add` / `qa remove` / `qa reports`: reports brought by the user join the index incrementally and
atomically (a bad file anywhere in a batch changes nothing), are kept as given in the upload folder,
and can be removed again. Builds a small index with the real model (slow)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa import cli
from qa.index import load_index, read_manifest
from tests.renders import ensure_renders, seed_paths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("library")
    docs = root / "docs"
    docs.mkdir()
    for seed in seed_paths()[:2]:
        shutil.copyfile(seed, docs / seed.name)
    paths = {"docs": docs, "index": root / "index", "uploads": root / "uploads", "root": root}
    assert run(paths, "build", "-q") == 0
    return paths


def run(paths: dict[str, Path], command: str, *args: str) -> int:
    return cli.main([command, *args, "--docs", str(paths["docs"]), "--index", str(paths["index"]),
                     "--uploads", str(paths["uploads"])])


def state(paths: dict[str, Path]) -> tuple[str, dict, list[str]]:
    current = (paths["index"] / "CURRENT").read_text()
    uploads = sorted(p.name for p in paths["uploads"].iterdir() if not p.name.startswith(".")) if paths["uploads"].exists() else []
    return current, read_manifest(paths["index"])["files"], uploads


def test_add_pdf_then_remove(library, capsys) -> None:
    renders = ensure_renders(("pdf", "docx"))
    pdf = renders["pdf"][2]
    before = load_index(library["index"])
    assert run(library, "add", str(pdf)) == 0
    out = capsys.readouterr().out
    assert pdf.name in out and "pdf" in out
    after = load_index(library["index"])
    assert set(after.documents) == set(before.documents) | {pdf.name}
    added = after.documents[pdf.name].metadata
    assert added.file_format == "pdf" and added.pages and added.town == "庙行镇"
    assert all(c.page is not None for c in after.chunks if c.source == pdf.name)
    assert all(c.page is None for c in after.chunks if c.source != pdf.name)
    # incremental: the passages of the reports already there were not embedded again
    build_line = next(line for line in out.splitlines() if "段落块" in line and "新嵌入" in line)
    new_chunks = sum(1 for c in after.chunks if c.source == pdf.name)
    assert f"新嵌入 {new_chunks}，" in build_line, build_line
    # kept as given
    assert (library["uploads"] / pdf.name).read_bytes() == pdf.read_bytes()

    # adding the same file again changes nothing
    current = state(library)
    assert run(library, "add", str(pdf)) == 0
    assert "已收录" in capsys.readouterr().out
    assert state(library) == current

    assert run(library, "reports", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["source"] == pdf.name)
    assert row["format"] == "pdf" and row["pages"] == added.pages and row["added"] is True

    assert run(library, "remove", pdf.name) == 0
    assert pdf.name not in load_index(library["index"]).documents
    assert not (library["uploads"] / pdf.name).exists()
    assert any(p.name.endswith(pdf.name) for p in (library["uploads"] / ".removed").iterdir())


def test_bad_file_in_a_batch_changes_nothing(library, tmp_path: Path, capsys) -> None:
    good = ensure_renders(("docx",))["docx"][3]
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    before = state(library)
    assert run(library, "add", str(good), str(bad)) == 1
    err = capsys.readouterr().err
    assert "broken.pdf" in err and "未改动索引" in err
    assert state(library) == before
    # an extension that lies
    liar = tmp_path / "report.docx"
    liar.write_bytes(ensure_renders(("pdf",))["pdf"][0].read_bytes())
    assert run(library, "add", str(liar)) == 1
    assert "改为 .pdf" in capsys.readouterr().err
    assert state(library) == before


def test_remove_refuses_what_was_not_added(library, capsys) -> None:
    before = state(library)
    seed = seed_paths()[0].name
    assert run(library, "remove", seed) == 1
    assert "报告目录" in capsys.readouterr().err
    assert run(library, "remove", "nothing.pdf") == 1
    assert "没有这份" in capsys.readouterr().err
    assert state(library) == before


def test_serving_switches_generation_and_old_questions_finish(library) -> None:
    """The chat's hot switch: a question that started on the old Retriever finishes on it after the
    build removed the old generation's files; the next question gets the new reports."""
    from qa.library import add_reports, remove_reports
    from qa.search import get_retriever, reload_retriever
    from qa.settings import Settings

    settings = Settings.from_env().with_overrides(
        docs_dir=library["docs"], index_dir=library["index"], upload_dir=library["uploads"]
    )
    old = get_retriever(library["index"])
    old_generation = old.index.directory
    html = ensure_renders(("html",))["html"][4]
    add_reports([html], settings)
    assert not old_generation.exists()  # the build replaced it
    assert old.search("庙行镇2022年地方财政收入", 3)  # an in-flight question on the old index still works
    assert html.name not in {d.source for d in old.documents}
    fresh = reload_retriever(library["index"])
    assert get_retriever(library["index"]) is fresh and fresh is not old
    hits = fresh.search("庙行镇2022年全年区级地方财政收入是多少？", 5)
    assert html.name in {h.source for h in hits}
    remove_reports([html.name], settings)
    reload_retriever(library["index"])
