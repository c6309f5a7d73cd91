"""Embedding a build's new passages with Ray Data (`qa build --ray [ADDRESS]`, env QA_RAY_ADDRESS).

At ~10 passages a second per machine, 24M passages take a month on one machine; Ray spreads them over
a cluster. The passages become a Ray dataset that `map_batches` sends through a pool of actors, each
of which loads the embedder once (`qa.embedding.load_embedder`, one ONNX thread per actor: the pool is
the parallelism) and embeds the batches it is given; the vectors come back in the passages' order and
are the in-process path's (same model, same engine, same batches of text).

"local" starts a Ray instance on this machine for the call (and stops it after); any other address
joins that cluster ("auto", "ray://head:10001"), whose nodes must have report-qa installed and the
model provisioned (`qa model`, or a shared QA_CACHE_DIR). Ray is imported only here, and only
installed with the `scale` extra.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from qa.settings import Settings

log = logging.getLogger(__name__)

#: Passages per Ray batch: big enough that scheduling costs little next to embedding, small enough that
#: a pool of actors shares out a few thousand passages.
RAY_BATCH = 64
#: A local instance's object store (the passages and vectors in flight): small, the machine is shared.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024

INSTALL_HINT = "用 Ray 嵌入需要 ray：请运行 pip install -e '.[scale]'（或去掉 --ray / QA_RAY_ADDRESS）"


class RayUnavailableError(RuntimeError):
    """Ray is not installed; the message says how to install it or do without."""


class PassageEmbedder:
    """A Ray actor: the embedder, loaded once when the actor starts, applied to each batch."""

    def __init__(self, settings: Settings) -> None:
        from qa.embedding import load_embedder

        self.embedder = load_embedder(settings, threads=1)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self.embedder.encode_passages([str(t) for t in batch["text"]])
        return {"row": batch["row"], "vector": vectors}


def encode_with_ray(settings: Settings, texts: list[str], *, actors: int | None = None) -> np.ndarray:
    """`texts` embedded as passages by a pool of `actors` Ray actors (default: one per CPU the Ray
    instance has), in order: an (n, dimension) float32 array."""
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise RayUnavailableError(INSTALL_HINT) from error
    local = settings.ray_address == "local"
    started_here = not ray.is_initialized()
    if started_here:
        options = {"num_cpus": os.cpu_count(), "object_store_memory": LOCAL_OBJECT_STORE_BYTES} if local else {}
        ray.init(
            address=None if local else settings.ray_address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            **options,
        )
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # `qa build` reports what it embedded; Ray Data's bars and logs are noise
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        log.info("embedding %d passages with %d Ray actors", len(texts), pool)
        dataset = ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)])
        embedded = dataset.map_batches(
            PassageEmbedder,
            fn_constructor_kwargs={"settings": settings},
            batch_size=RAY_BATCH,
            batch_format="numpy",
            concurrency=pool,
            num_cpus=1,
        )
        rows, vectors = [], []
        for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
            rows.append(batch["row"])
            vectors.append(batch["vector"])
    finally:
        if started_here:
            ray.shutdown()
    if not rows:
        raise ValueError("no passages to embed")
    order = np.argsort(np.concatenate(rows), kind="stable")
    return np.ascontiguousarray(np.concatenate(vectors)[order], dtype=np.float32)
