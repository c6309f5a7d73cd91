"""Embedding with Ray Data (`qa build --ray`): on a real local Ray instance (two CPUs, a small object
store, started once for this module) with the real model, the vectors are the in-process path's."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.cli import main as cli_main
from qa.embedding import load_embedder
from qa.index import current_generation, load_index
from qa.ray_embedding import LOCAL_OBJECT_STORE_BYTES, RayUnavailableError, encode_with_ray
from qa.settings import Settings
from tests.conftest import ROOT, SMALL_SEED, copy_seeds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module (`encode_with_ray` uses it instead of starting its own)."""
    import ray

    ray.init(num_cpus=2, object_store_memory=LOCAL_OBJECT_STORE_BYTES, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_ray_vectors_are_the_in_process_ones(local_ray, seed_paragraphs: list[str]) -> None:
    settings = replace(Settings.from_env(), ray_address="local")
    texts = seed_paragraphs[:48]
    by_ray = encode_with_ray(settings, texts, actors=2)
    in_process = load_embedder(settings, threads=1).encode_passages(texts)
    assert by_ray.shape == in_process.shape == (48, 384) and by_ray.dtype == np.float32
    cosines = (by_ray * in_process).sum(axis=1) / np.linalg.norm(by_ray, axis=1) / np.linalg.norm(in_process, axis=1)
    assert cosines.min() >= 0.9999, cosines.min()


def test_build_with_ray_gives_the_committed_index_vectors(local_ray, tmp_path: Path) -> None:
    """`qa build --ray` of one seed report into an empty index: every passage embedded by Ray actors,
    each vector the one the committed index (embedded in-process) holds for the same text."""
    docs = copy_seeds(tmp_path / "docs", SMALL_SEED)
    assert cli_main(["build", "-q", "--ray", "--docs", str(docs), "--index", str(tmp_path / "index")]) == 0
    built = load_index(tmp_path / "index")
    committed = load_index(ROOT / "index")
    row_of = {json.loads(line)["embed_key"]: row for row, line in enumerate((current_generation(ROOT / "index") / "chunks.jsonl").open())}
    keys = [json.loads(line)["embed_key"] for line in (built.directory / "chunks.jsonl").open()]
    assert len(keys) == 40 and set(keys) <= set(row_of)
    mine = built.dense.get(np.arange(len(keys)))
    theirs = committed.dense.get(np.array([row_of[k] for k in keys]))
    assert (mine * theirs).sum(axis=1).min() >= 0.9999


def test_without_ray_installed_the_error_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(RayUnavailableError, match=r"pip install -e '\.\[scale\]'"):
        encode_with_ray(replace(Settings.from_env(), ray_address="local"), ["一段文字"])
