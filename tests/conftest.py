"""Shared fixtures: the repository paths and the shared evaluation data beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
SHARED_DIR = ROOT.parent / "shared"
DEV_SET = SHARED_DIR / "eval" / "dev.jsonl"
OWN_SET = ROOT / "tests" / "questions.jsonl"
FIXTURES_DIR = ROOT / "tests" / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _no_added_reports(tmp_path_factory) -> None:
    """Reports a developer added with `qa add` (uploads/) stay out of the tests' indexes."""
    import os

    os.environ.setdefault("QA_UPLOAD_DIR", str(tmp_path_factory.mktemp("uploads-none") / "uploads"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))
