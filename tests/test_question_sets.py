"""The question sets the project carries are sound: every line parses with the fields the scoring rule
reads, ids are unique, and every evidence snippet of an answerable question is in its document (the
cleaned report with its footnotes, or the news article), whitespace removed as `qa eval` removes it.
A snippet that is not there would make a question unanswerable by construction and its figures wrong."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

import pytest

from qa.ingest import clean_text
from tests.conftest import ROOT, SEEDS_DIR

REPORT_SETS = sorted([ROOT / "tests" / "questions.jsonl", *(ROOT / "tests" / "data").glob("*.jsonl")])
CRUD_DIR = ROOT / "tests" / "data" / "crud"
NEWS_SETS = sorted(CRUD_DIR.glob("*.jsonl"))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@cache
def _reports() -> dict[str, str]:
    texts = {}
    for path in SEEDS_DIR.glob("*.txt"):
        clean = clean_text(path.read_text(encoding="utf-8"))
        texts[path.name] = _squeeze(clean.text + "".join(f.text for f in clean.footnotes))
    return texts


@cache
def _articles() -> dict[str, str]:
    with gzip.open(CRUD_DIR / "docs.jsonl.gz", "rt", encoding="utf-8") as lines:
        return {raw["name"]: _squeeze(raw["text"]) for raw in map(json.loads, lines) if raw}


@pytest.mark.parametrize("path", REPORT_SETS + NEWS_SETS, ids=lambda p: p.name)
def test_lines_have_the_scored_fields_and_unique_ids(path: Path) -> None:
    rows = _lines(path)
    assert rows, path
    for row in rows:
        assert {"id", "question", "doc", "evidence"} <= row.keys(), (path.name, row.get("id"))
        assert isinstance(row["question"], str) and row["question"].strip(), (path.name, row["id"])
        if row["doc"] is None:
            assert not row["evidence"] or row.get("why"), (path.name, row["id"])
        else:
            assert row["evidence"] and all(isinstance(e, str) and e.strip() for e in row["evidence"]), (path.name, row["id"])
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), path.name


@pytest.mark.parametrize(("path", "documents"), [(p, _reports) for p in REPORT_SETS] + [(p, _articles) for p in NEWS_SETS],
                         ids=lambda v: v.name if isinstance(v, Path) else "")
def test_evidence_is_verbatim_in_its_document(path: Path, documents) -> None:
    texts = documents()
    for row in _lines(path):
        if row["doc"] is None:
            continue
        assert row["doc"] in texts, f"{path.name} {row['id']}: no document {row['doc']}"
        for snippet in row["evidence"]:
            assert _squeeze(snippet) in texts[row["doc"]], f"{path.name} {row['id']}: evidence not in {row['doc']}: {snippet[:40]}"
