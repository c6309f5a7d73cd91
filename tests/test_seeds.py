"""The reports in seeds/ are the shared ones, byte for byte."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import SEEDS_DIR, SHARED_DIR


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_five_seed_reports_present(seed_paths) -> None:
    assert len(seed_paths) == 5


@pytest.mark.skipif(not (SHARED_DIR / "seeds").is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_identical_to_shared() -> None:
    shared = {p.name: _sha256(p) for p in (SHARED_DIR / "seeds").glob("*.txt")}
    ours = {p.name: _sha256(p) for p in SEEDS_DIR.glob("*.txt")}
    assert ours == shared
