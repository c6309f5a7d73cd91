"""The reports in seeds/ are the five given to the project, byte for byte (their sha256s, recorded
when they were copied in): the committed index, the question sets and the README's numbers are about
these files."""

from __future__ import annotations

import hashlib

from tests.conftest import SEEDS_DIR

SEED_SHA256 = {
    "000_273361674173251b.txt": "1f19379161033dfbe0449225ebf721b8e7d1987b8f85ff8d6d5eddbdfa5c9087",
    "001_190c4f1386ffab81.txt": "e524307f71151b834d1bd1786fc6aeb986ee9367c4b8632f05a48494a1ad79f5",
    "002_dd07b67f804f2d67.txt": "52348e74183f86550ef804d93f3e621c7076f0d24718a963ffc1c5e424602e0f",
    "003_ba4aa9962f5a29a2.txt": "d97eaa4fe7159c48e84ac60e91a94c080918dd1a0cf7fa91b5acc9762c5c3e6e",
    "004_8d55160e06e9d7cd.txt": "db7879307b411a4384d1b5c76f302c23e93b994e4c17ef4d919cea4a00570a78",
}


def test_five_seed_reports_present(seed_paths) -> None:
    assert len(seed_paths) == 5


def test_seeds_are_the_given_reports() -> None:
    ours = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS_DIR.glob("*.txt")}
    assert ours == SEED_SHA256
