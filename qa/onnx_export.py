"""The embedding model as an ONNX graph, for ONNX Runtime.

Why: on these CPUs ONNX Runtime runs the same e5-small about 1.7× faster than torch for a single
question (18.6 against 32.9 ms p50 at one thread, bench/embedding.py) with cosine ≥ 0.99999 to the torch
vectors, and a process that serves questions then needs neither torch nor sentence-transformers (seconds
of start-up and hundreds of MB less). sentence-transformers' own `backend="onnx"` needs `optimum`, whose
releases pin a torch or transformers this project cannot take, so the graph is exported here with
`torch.onnx.export`: the encoder, the model's pooling (mean or CLS) and L2 normalization in one graph,
dynamic batch and length.

The attention is exported as the plain operations of transformers' "eager" implementation, which ONNX
Runtime's transformer optimizer (`onnxruntime.transformers`) fuses into one `Attention` operator per
layer, with its layer norms and GELUs (`SkipLayerNormalization`, `BiasGelu`). The default (SDPA)
attention exports as a pattern the optimizer does not recognize (NaN guards around the softmax), and
ONNX Runtime then runs each layer's attention as a dozen separate operators: on 800-character passages
the fused graph embeds 1.3× faster, same vectors (cosine 1.0000, bench/throughput.py).

The export lives in the cache (`<cache>/onnx/<model>-<hash of its path>/`: the graph `model.onnx`, its
weights `model.onnx.data`, the model's `tokenizer.json`, and `export.json` with the prefixes, dimension,
length limit, pooling and a fingerprint of the source files). It is written atomically under a lock and
redone only when the source or `EXPORT_VERSION` changes. Exporting loads the model with torch once
(about 20–30 s); `qa model` does it ahead of time.

The weights are kept outside the graph, each large tensor at an offset ONNX Runtime can memory-map: a
session then loads in 0.2 s instead of 3 s and holds ~150 MB instead of ~510 MB (the 384 MB
word-embedding table is mapped, and only the rows of the tokens seen are read), with the same vectors
and speed. A new export replaces the directory by renaming, never rewrites a file in place, so a running
process keeps the weights it mapped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.model import model_dimension, model_prefixes, resolve_model_path
from qa.settings import Settings
from qa.storage import exclusive_lock, remove_stale_siblings, write_directory_atomically

log = logging.getLogger(__name__)

#: Bump when the exported graph or export.json changes, so existing exports are redone.
#: 2: weights in WEIGHTS_FILE, memory-mappable. 3: attention fused (see the module doc).
EXPORT_VERSION = 3
MODEL_FILE = "model.onnx"
WEIGHTS_FILE = "model.onnx.data"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"  # written last: its presence marks a complete export
_POOLING = ("mean", "cls")
#: Tensors at least this large go to WEIGHTS_FILE at offsets that are multiples of _ALIGNMENT, the
#: granularity ONNX Runtime needs to memory-map them (4 KiB on Linux, 64 KiB on Windows). Smaller ones
#: (30 MB of e5-small's 470: biases, norms, 384×384 attention matrices) stay in the graph file; mapping
#: them too measured no lower memory (the matrices are repacked into ONNX Runtime's own buffers anyway).
_EXTERNAL_MIN_BYTES = 1 << 20
_ALIGNMENT = 64 << 10


class OnnxExportError(RuntimeError):
    """The model cannot be exported (unsupported modules, no tokenizer.json); use the torch backend."""


@dataclass(frozen=True)
class OnnxModel:
    """A complete export: the files and what the embedder needs to know without loading torch."""

    directory: Path
    query_prefix: str
    passage_prefix: str
    dimension: int
    max_length: int
    pad_token: str

    @property
    def model_file(self) -> Path:
        return self.directory / MODEL_FILE

    @property
    def tokenizer_file(self) -> Path:
        return self.directory / TOKENIZER_FILE


def export_directory(settings: Settings, model_path: str) -> Path:
    """Where the export of `model_path` goes: one directory per model path."""
    source = Path(model_path).expanduser()
    key = str(source.resolve()) if source.exists() else model_path
    name = source.name or "model"
    return settings.cache_dir / "onnx" / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def source_fingerprint(model_path: str) -> dict[str, Any]:
    """Sizes and modification times of a model directory's files (its `onnx/` aside), or its name."""
    source = Path(model_path).expanduser()
    if not source.is_dir():
        return {"name": model_path}
    return {
        p.relative_to(source).as_posix(): [p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(source.rglob("*"))
        if p.is_file() and "onnx" not in p.relative_to(source).parts
    }


def ensure_onnx_model(settings: Settings) -> OnnxModel:
    """The export of the configured model, made (or redone) when missing or out of date."""
    model_path = resolve_model_path(settings)
    if not (Path(model_path) / TOKENIZER_FILE).is_file():  # checked first: it needs no model loaded
        raise OnnxExportError(
            f"{model_path} is not a model directory with a {TOKENIZER_FILE}, which the ONNX engine "
            "tokenizes with; set QA_BACKEND=torch for this model"
        )
    final = export_directory(settings, model_path)
    fingerprint = source_fingerprint(model_path)
    found = read_export(final, fingerprint)
    if found is not None:
        return found
    final.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(final.parent / f".{final.name}.lock"):
        found = read_export(final, fingerprint)  # another process may have finished it meanwhile
        if found is not None:
            return found
        remove_stale_siblings(final)
        log.info("Exporting %s to ONNX in %s (once; about half a minute)", model_path, final)
        write_directory_atomically(
            final, lambda out: write_export(settings, model_path, fingerprint, out), what="ONNX export written"
        )
    found = read_export(final, fingerprint)
    if found is None:  # only if the model's files changed while it was being exported
        raise OnnxExportError(f"the export in {final} does not match {model_path}; run `qa model` again")
    return found


def read_export(directory: Path, fingerprint: dict[str, Any]) -> OnnxModel | None:
    """The export in `directory` when it is complete and made from the current source; else None."""
    try:
        meta = json.loads((directory / EXPORT_FILE).read_text(encoding="utf-8"))
        if meta.get("version") != EXPORT_VERSION or meta.get("source") != fingerprint:
            return None
        if not all((directory / name).is_file() for name in (MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE)):
            return None
        return OnnxModel(
            directory=directory,
            query_prefix=str(meta["query_prefix"]),
            passage_prefix=str(meta["passage_prefix"]),
            dimension=int(meta["dimension"]),
            max_length=int(meta["max_length"]),
            pad_token=str(meta["pad_token"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_export(
    settings: Settings, model_path: str, fingerprint: dict[str, Any], out: Path, *, fuse_attention: bool = True
) -> None:
    """Write the export into `out`. `fuse_attention=False` writes the graph of export version 2 (SDPA
    attention, unfused), which the throughput bench measures as "before"."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a "Loading weights" bar is noise in `qa model`
    # not the process-wide cache: it is dropped after the export
    model_kwargs = {"attn_implementation": "eager"} if fuse_attention else {}
    model = SentenceTransformer(model_path, model_kwargs=model_kwargs)
    model.eval()
    query_prefix, passage_prefix = model_prefixes(model, settings.model, model_path)
    transformer, pooling = _check_modules(model, model_path)

    class Encoder(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    sample = model.tokenizer(["query: 示例", "passage: 一个稍长一点的示例句子"], return_tensors="pt", padding=True)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shapes that the dynamic axes cover
        torch.onnx.export(
            Encoder(transformer.auto_model).eval(),
            (sample["input_ids"], sample["attention_mask"]),
            str(out / MODEL_FILE),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "length"},
                "attention_mask": {0: "batch", 1: "length"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
        )
    if fuse_attention:
        _fuse(out / MODEL_FILE, transformer.auto_model.config)
    _move_weights_out(out / MODEL_FILE)
    shutil.copyfile(Path(model_path) / TOKENIZER_FILE, out / TOKENIZER_FILE)
    meta = {
        "version": EXPORT_VERSION,
        "source": fingerprint,
        "model_path": model_path,
        "query_prefix": query_prefix,
        "passage_prefix": passage_prefix,
        "dimension": model_dimension(model),
        "max_length": int(model.max_seq_length),
        "pad_token": model.tokenizer.pad_token,
        "pooling": pooling,
    }
    (out / EXPORT_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def _fuse(model_file: Path, config: Any) -> None:
    """Rewrite `model_file` with its attention, layer norms and GELUs fused by ONNX Runtime's transformer
    optimizer. Only graph rewrites (`opt_level=0`): the file stays valid on any CPU. A model whose
    pattern the optimizer does not know keeps its unfused operators, which compute the same."""
    from onnxruntime.transformers.optimizer import optimize_model

    heads, hidden = getattr(config, "num_attention_heads", 0), getattr(config, "hidden_size", 0)
    optimized = optimize_model(str(model_file), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0)
    fused = optimized.get_fused_operator_statistics()
    log.info("Fused %d attention and %d layer-norm operators", fused.get("Attention", 0), fused.get("SkipLayerNormalization", 0))
    optimized.save_model_to_file(str(model_file))


def _move_weights_out(model_file: Path) -> None:
    """Rewrite `model_file` with its large tensors in WEIGHTS_FILE beside it, each at an aligned offset
    (see `_EXTERNAL_MIN_BYTES`), so that ONNX Runtime memory-maps them instead of copying them."""
    import onnx
    from onnx.external_data_helper import set_external_data

    model = onnx.load(str(model_file))
    offset = 0
    for tensor in model.graph.initializer:
        size = len(tensor.raw_data)
        if size < _EXTERNAL_MIN_BYTES:
            continue
        offset = -(-offset // _ALIGNMENT) * _ALIGNMENT
        set_external_data(tensor, WEIGHTS_FILE, offset=offset, length=size)  # onnx pads up to the offset
        tensor.data_location = onnx.TensorProto.EXTERNAL
        offset += size
    onnx.save_model(model, str(model_file))


def _check_modules(model: Any, model_path: str) -> tuple[Any, str]:
    """The Transformer module and the pooling mode, when the model is Transformer → Pooling (mean or
    CLS, prompt tokens included) → optional Normalize; anything else cannot be expressed by this export."""
    from sentence_transformers.models import Normalize, Pooling, Transformer

    modules = list(model)
    unsupported = OnnxExportError(
        f"{model_path}: only Transformer → Pooling (mean/cls) → Normalize models are exported to ONNX "
        f"(this one has {[type(m).__name__ for m in modules]}); set QA_BACKEND=torch"
    )
    if len(modules) not in (2, 3) or not isinstance(modules[0], Transformer) or not isinstance(modules[1], Pooling):
        raise unsupported
    if len(modules) == 3 and not isinstance(modules[2], Normalize):
        raise unsupported
    config = modules[1].get_config_dict()
    pooling = config.get("pooling_mode")
    if pooling not in _POOLING or not config.get("include_prompt", True):  # the prompt is pooled with the text
        raise unsupported
    return modules[0], pooling
