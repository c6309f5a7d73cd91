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


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))
