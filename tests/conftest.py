"""Shared fixtures: the repository paths and the evaluation data the project carries (tests/data/).

`../shared` (beside the checkout on the development machines, absent on a user's clone) is read only by
the one test that compares seeds/ with it, which skips when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
SHARED_DIR = ROOT.parent / "shared"
#: A copy of ../shared/eval/dev.jsonl, so that a clone without ../shared runs every test.
DEV_SET = ROOT / "tests" / "data" / "dev.jsonl"
OWN_SET = ROOT / "tests" / "questions.jsonl"
#: Near misses written for the answer decision (tests/data/README.md).
NEARMISS_SET = ROOT / "tests" / "data" / "nearmiss.jsonl"
FIXTURES_DIR = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))
