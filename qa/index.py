"""Chunks → index on disk (FAISS + BM25 + chunk store + manifest), loading it back, and staleness.

Layout of an index directory::

    index/
      CURRENT          name of the live generation, replaced atomically (write aside, os.replace)
      gen-000007/      one complete build
        manifest.json  model, dimension, chunker version, each file's sha256, counts
        documents.json per report: metadata, clean text, section tree
        chunks.jsonl   one chunk a line, in the order of the FAISS rows and BM25 documents
        dense.faiss    the dense store (`qa.stores`): inner product over L2-normalized passage vectors
        bm25/          the lexical store: bm25s arrays over jieba tokens
        sentences.jsonl  every clause of the sentences the answer step weighs, then those sentences (`qa.highlight`)
        sentences.npy    their vectors, row by row (a sentence's composed from its clauses'): answering a question
                         embeds nothing but the question
        userdict.txt   words mined from the corpus for jieba (the query side loads them too)

A build writes a new generation beside the live one and only then points CURRENT at it, so a build
that fails or is killed at any moment leaves the previous index loadable. Vectors are keyed by the
hash of the exact text embedded, so an incremental build embeds only chunks whose text changed.

With a Milvus store (`Settings.store` a Milvus URI) the same reading, chunking and embedding write a
generation of Milvus collections instead, switched in by an alias (`_build_milvus`, qa/stores/milvus.py);
`load_catalog` lists the reports of either store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from qa.chunking import CHUNKER_VERSION
from qa.documents import Chunk, Document, Footnote, Metadata, Period, Section, document_years
from qa.highlight import answer_clauses, answer_sentences, sentence_vector
from qa.ingest import IngestError, load_document
from qa.patterns import REPORT_SUFFIXES, is_report_file
from qa.settings import Settings
from qa.storage import exclusive_lock, file_sha256, fsync_dir, replace_file, write_file
from qa.stores import (
    DEFAULT_DENSE,
    DEFAULT_LEXICAL,
    DenseStore,
    LexicalStore,
    build_dense,
    build_lexical,
    load_dense,
    load_lexical,
)
from qa.text import TOKENIZER_VERSION, BM25Tokenizer, mine_user_words

log = logging.getLogger(__name__)

#: 2: the manifest records a sha256 of every data file (`checksums`). A manifest may also name the
#: back-end of each store (`stores`); one that does not holds FAISS and bm25s.
#: 3: the passages' sentences and their vectors (SENTENCES_FILE, SENTENCE_VECTORS_FILE).
#: 4: those files hold each sentence's clauses (`qa.highlight.answer_clauses`), which are what is
#: embedded; a sentence of several clauses gets the vector composed from theirs.
INDEX_FORMAT = 4
CURRENT_FILE = "CURRENT"
SENTENCES_FILE = "sentences.jsonl"
SENTENCE_VECTORS_FILE = "sentences.npy"
_SUFFIXES_SHOWN = "/".join(REPORT_SUFFIXES)


class IndexProblem(Exception):
    """Base for index problems the user can fix; the message says how."""


class IndexMissingError(IndexProblem):
    pass


class IndexDamagedError(IndexProblem):
    pass


class IndexMismatchError(IndexProblem):
    """The index was built with another model or dimension than the one configured."""


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class BuildReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file name → reason
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    sentences_embedded: int = 0  # the answer step's sentences embedded (the rest reused)
    seconds: float = 0.0
    noop: bool = False
    generation: str = ""

    def summary(self) -> str:
        parts = [
            f"文件：新增 {len(self.added)}，修改 {len(self.changed)}，删除 {len(self.removed)}，"
            f"未变 {len(self.unchanged)}，跳过 {len(self.skipped)}",
            f"段落块 {self.chunks}（新嵌入 {self.embedded}，复用 {self.reused}）"
            + (f"，新嵌入句子 {self.sentences_embedded}" if self.sentences_embedded else ""),
            f"用时 {self.seconds:.1f} 秒" + ("（索引已是最新，未重建）" if self.noop else ""),
        ]
        return "；".join(parts)


@dataclass(frozen=True)
class IndexedDocument:
    """A report as the index keeps it: metadata, clean text and section tree (for showing context)."""

    source: str
    sha256: str
    metadata: Metadata
    text: str
    sections: tuple[Section, ...]


@dataclass
class LoadedIndex:
    """An index read from disk. Read-only after loading, so it can be shared between threads."""

    directory: Path
    manifest: dict
    documents: dict[str, IndexedDocument]
    chunks: list[Chunk]
    dense: DenseStore  # passage vectors, ids = positions in `chunks`
    lexical: LexicalStore  # BM25 over the passages' tokens, ids = positions in `chunks`
    tokenizer: BM25Tokenizer
    #: the vector of every answer sentence and clause of the passages, by its text (`_with_sentence_vectors`)
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)


# ---------------------------------------------------------------- what gets embedded and tokenized


def embedding_text(chunk: Chunk, metadata: Metadata) -> str:
    """The passage as the embedder and BM25 see it: where it comes from, its section path, its text
    and its footnotes. Town and year let a question naming them prefer the right report."""
    origin = " ".join(x for x in (metadata.town, metadata.title, _date_label(metadata.date)) if x)
    parts = [origin, " › ".join(chunk.section_path), chunk.opening, chunk.text]
    parts += [f"注{f.n}：{f.text}" for f in chunk.footnotes]
    return "\n".join(p for p in parts if p)


def _date_label(date: str | None) -> str:
    return f"{date[:4]}年" if date else ""


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def list_reports(docs_dir: Path, *added_dirs: Path) -> list[Path]:
    """Every report-suffixed entry (`qa.patterns.REPORT_SUFFIXES`) of the folder that is not a directory,
    and those of `added_dirs` (the reports added with `qa add` or uploaded; a name already in `docs_dir`
    is not listed twice). Entries that are not readable regular files (broken or looping symlinks,
    FIFOs) are listed too, so that `scan_reports` skips them with a warning instead of their vanishing
    silently."""
    if not docs_dir.is_dir():
        raise BuildError(f"报告目录不存在：{docs_dir}（用 --docs 指定一个包含 {_SUFFIXES_SHOWN} 报告的目录）")
    found = {p.name: p for p in docs_dir.iterdir() if is_report_file(p) and not p.is_dir()}
    for directory in added_dirs:
        if directory.is_dir():
            for p in directory.iterdir():
                if is_report_file(p) and not p.is_dir() and not p.name.startswith("."):
                    found.setdefault(p.name, p)
    return sorted(found.values(), key=lambda p: p.name)


def scan_reports(paths: list[Path], settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """(file name → sha256, file name → why it is skipped). A file is skipped, before its content is
    read, when it cannot be stat'ed or opened, is not a regular file, or is larger than
    `settings.max_report_mb`."""
    hashes: dict[str, str] = {}
    skipped: dict[str, str] = {}
    limit = settings.max_report_mb * 1024 * 1024
    for path in paths:
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                skipped[path.name] = "不是普通文件（设备、管道或套接字），未读取"
            elif info.st_size > limit:
                skipped[path.name] = (
                    f"文件过大（{info.st_size / 1048576:.1f} MB，上限 {settings.max_report_mb} MB，"
                    "可用 QA_MAX_REPORT_MB 调整），未读取"
                )
            else:
                hashes[path.name] = file_sha256(path)
        except OSError as error:
            skipped[path.name] = f"cannot read: {error.strerror or error}"
    return hashes, skipped


def chunker_id(settings: Settings) -> str:
    """What decides the chunks and their BM25 tokens: a change means the index must be rebuilt."""
    return f"{CHUNKER_VERSION}/max{settings.chunk_max_chars}/{TOKENIZER_VERSION}"


# ---------------------------------------------------------------- on-disk generations


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT_FILE
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:  # ValueError: not UTF-8
        raise IndexDamagedError(f"index damaged ({pointer}: {error}): run `qa build --full`") from error
    if not name or "/" in name or name.startswith("."):
        raise IndexDamagedError(f"index damaged ({pointer} names {name!r}): run `qa build --full`")
    return index_dir / name


def read_manifest(index_dir: Path) -> dict | None:
    generation = current_generation(index_dir)
    if generation is None:
        return None
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        _check_manifest(manifest)
    except (OSError, ValueError) as error:
        raise IndexDamagedError(f"index damaged ({generation}/manifest.json): run `qa build --full`") from error
    return manifest


def _check_manifest(manifest: object) -> None:
    """Raise ValueError unless the manifest has the shape a build writes (valid JSON is not enough)."""
    if not (
        isinstance(manifest, dict)
        and isinstance(manifest.get("files"), dict)
        and isinstance(manifest.get("skipped", {}), dict)
        and isinstance(manifest.get("counts"), dict)
        and isinstance(manifest["counts"].get("chunks"), int)
        and isinstance(manifest.get("dimension"), int)
    ):
        raise ValueError("manifest.json lacks files, counts or dimension")


def _data_files(generation: Path) -> list[Path]:
    return sorted(p for p in generation.rglob("*") if p.is_file() and p.name != "manifest.json")


def damaged_files(generation: Path, manifest: dict) -> list[str]:
    """The data files of a generation that are missing, unreadable or differ from the checksums its
    manifest recorded (a truncated or bit-flipped file that would still parse is caught here)."""
    recorded = manifest.get("checksums")
    if not isinstance(recorded, dict) or not recorded:
        return ["manifest.json (no checksums)"]
    damaged = []
    for name, digest in sorted(recorded.items()):
        try:
            if file_sha256(generation / name) != digest:
                damaged.append(name)
        except OSError:
            damaged.append(name)
    present = {p.relative_to(generation).as_posix() for p in _data_files(generation)}
    return damaged + sorted(present - set(recorded))


def _point_current(index_dir: Path, generation: Path) -> None:
    replace_file(index_dir / CURRENT_FILE, generation.name + "\n")


def _next_generation_name(index_dir: Path) -> str:
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdecimal()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _remove_stale(index_dir: Path, keep: Path) -> None:
    """Remove old generations and leftovers of killed builds (never the live generation)."""
    for path in index_dir.iterdir():
        if path == keep or path.name == CURRENT_FILE or path.name == ".lock":
            continue
        if path.name.startswith(("gen-", ".tmp-", f".{CURRENT_FILE}.")):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


# ---------------------------------------------------------------- staleness


@dataclass(frozen=True)
class IndexStatus:
    stale: bool
    reasons: tuple[str, ...]


def index_status(settings: Settings) -> IndexStatus:
    """Whether `qa build` would change anything: files added/changed/removed, chunker or model changed."""
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexDamagedError as error:
        return IndexStatus(True, (str(error),))
    if manifest is None:
        return IndexStatus(True, (f"no index in {settings.index_dir}",))
    reasons = []
    if manifest.get("format") != INDEX_FORMAT:
        reasons.append("index format changed")
    elif damaged := damaged_files(current_generation(settings.index_dir), manifest):
        reasons.append(f"index files damaged ({', '.join(damaged)})")
    if manifest.get("chunker") != chunker_id(settings):
        reasons.append(f"chunker changed ({manifest.get('chunker')} → {chunker_id(settings)})")
    if manifest.get("model") != settings.model:
        reasons.append(f"model changed ({manifest.get('model')} → {settings.model})")
    current, unreadable = scan_reports(list_reports(settings.docs_dir, settings.upload_dir), settings)
    indexed = manifest.get("files", {})
    indexed_or_skipped = set(indexed) | set(manifest.get("skipped", {}))
    if set(current) | set(unreadable) != indexed_or_skipped:
        reasons.append("report files added or removed")
    elif any(indexed[name] != sha for name, sha in current.items() if name in indexed):
        reasons.append("report files changed")
    return IndexStatus(bool(reasons), tuple(reasons))


# ---------------------------------------------------------------- build


def build_index(settings: Settings, *, full: bool = False, strict: bool = False, progress: bool = True) -> BuildReport:
    """Read `settings.docs_dir`, embed what changed, write a new generation, swap it in."""
    started = time.perf_counter()
    with exclusive_lock(settings.index_dir / ".lock"):  # one build at a time per index directory
        if settings.milvus_uri:
            return _build_milvus(settings, full=full, strict=strict, progress=progress, started=started)
        return _build_locked(settings, full=full, strict=strict, progress=progress, started=started)


def _build_locked(settings: Settings, *, full: bool, strict: bool, progress: bool, started: float) -> BuildReport:
    index_dir = settings.index_dir
    try:
        old_manifest = read_manifest(index_dir)
    except IndexDamagedError as error:
        log.warning("%s; rebuilding from scratch", error)
        old_manifest = None
    # Vectors are keyed by the text they embed, so they can be reused across chunker changes as long
    # as the model is the same; only a same-chunker build can be a no-op.
    current_format = old_manifest is not None and old_manifest.get("format") == INDEX_FORMAT
    damaged = damaged_files(current_generation(index_dir), old_manifest) if current_format else []
    if damaged:
        log.warning("index files damaged (%s); rebuilding", ", ".join(damaged))
    same_model = old_manifest is not None and old_manifest.get("model") == settings.model
    compatible = same_model and current_format and not damaged and old_manifest.get("chunker") == chunker_id(settings)
    paths, hashes, skipped = _scan(settings, strict)
    old_files: dict[str, str] = old_manifest.get("files", {}) if old_manifest else {}
    if compatible and not full and hashes == old_files and skipped == old_manifest.get("skipped", {}):
        return BuildReport(
            unchanged=sorted(hashes), skipped=skipped, chunks=old_manifest["counts"]["chunks"], noop=True,
            seconds=time.perf_counter() - started, generation=str(current_generation(index_dir).name),
        )

    documents = _read_documents(settings, paths, skipped, strict)
    chunks, texts, keys = _passages(documents)
    vectors_intact = not any(name == "chunks.jsonl" or name.startswith("dense") for name in damaged)
    reusable = _old_vectors(index_dir, old_manifest) if same_model and vectors_intact and not full else {}
    vectors, embedded = _embed(settings, texts, keys, reusable, progress)
    clause_texts = _answer_clauses(chunks)
    sentences_intact = not any(name.startswith("sentences.") for name in damaged)
    reusable_sentences = _old_sentence_vectors(index_dir) if same_model and sentences_intact and not full else {}
    clause_vectors, sentences_embedded = _embed(settings, clause_texts, clause_texts, reusable_sentences, progress)
    sentences, sentence_vectors = _with_sentence_vectors(chunks, clause_texts, clause_vectors)
    tokenizer = _tokenizer(documents)
    generation_name = _next_generation_name(index_dir)
    tmp = index_dir / f".tmp-{generation_name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    _write_generation(tmp, documents, chunks, keys, vectors, tokenizer)
    _write_sentences(tmp, sentences, sentence_vectors)
    _write_manifest(tmp, _manifest(settings, documents, len(chunks), int(vectors.shape[1]), tokenizer, hashes, skipped))
    generation = index_dir / generation_name
    os.replace(tmp, generation)
    fsync_dir(index_dir)
    _point_current(index_dir, generation)
    _remove_stale(index_dir, keep=generation)
    return _report(documents, old_files, hashes, skipped, len(chunks), embedded, started, generation_name,
                   sentences_embedded)


def _scan(settings: Settings, strict: bool) -> tuple[list[Path], dict[str, str], dict[str, str]]:
    """The report files, their sha256s, and those skipped before being read (a strict build fails on one)."""
    paths = list_reports(settings.docs_dir, settings.upload_dir)
    hashes, skipped = scan_reports(paths, settings)
    if strict and skipped:  # before the no-op check: a strict build fails on a bad file even if nothing changed
        raise BuildError(_strict_message(skipped))
    return paths, hashes, skipped


def _read_documents(settings: Settings, paths: list[Path], skipped: dict[str, str], strict: bool) -> list[Document]:
    """Every report not skipped, read and chunked; one that cannot be read joins `skipped`."""
    documents: list[Document] = []
    for path in paths:
        if path.name in skipped:
            continue
        try:
            documents.append(
                load_document(path, max_chunk_chars=settings.chunk_max_chars, limits=settings.read_limits)
            )
        except (IngestError, OSError) as error:
            skipped[path.name] = str(error)
    for name, reason in skipped.items():
        log.warning("skipping %s: %s", name, reason)
    if strict and skipped:
        raise BuildError(_strict_message(skipped))
    if not documents:
        raise BuildError(f"{settings.docs_dir} 中没有可读取的报告（{_SUFFIXES_SHOWN}），未改动现有索引")
    return documents


def _passages(documents: list[Document]) -> tuple[list[Chunk], list[str], list[str]]:
    """Every chunk, the text embedded for it, and that text's key (the hash vectors are reused by)."""
    texts: list[str] = []
    chunks: list[Chunk] = []
    for document in documents:
        for chunk in document.chunks:
            chunks.append(chunk)
            texts.append(embedding_text(chunk, document.metadata))
    return chunks, texts, [_text_key(t) for t in texts]


def _answer_clauses(chunks: list[Chunk]) -> list[str]:
    """Every distinct clause of the sentences the answer step weighs (`answer_clauses`), in the
    passages' order: what is embedded for the answer step."""
    return list(dict.fromkeys(text for c in chunks for text in answer_clauses(c.text, c.footnotes)))


def _with_sentence_vectors(chunks: list[Chunk], clause_texts: list[str], clause_vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The clauses and their vectors, followed by every sentence of several clauses with the vector
    composed from its clauses' (`qa.highlight.sentence_vector`)."""
    by_text = dict(zip(clause_texts, clause_vectors, strict=True))
    composed = [
        sentence for sentence in dict.fromkeys(t for c in chunks for t, _ in answer_sentences(c.text, c.footnotes))
        if sentence not in by_text
    ]
    if not composed:
        return clause_texts, clause_vectors
    extra = np.stack([sentence_vector(sentence, by_text) for sentence in composed]).astype(np.float32)
    return clause_texts + composed, np.vstack([clause_vectors, extra])  # a composed sentence has clauses


def _embed(
    settings: Settings, texts: list[str], keys: list[str], reusable: dict[str, np.ndarray], progress: bool
) -> tuple[np.ndarray, int]:
    """One vector per text: reused by key where possible, else embedded (in-process, or with Ray Data
    when `settings.ray_address` is set); and how many were embedded."""
    missing = [i for i, key in enumerate(keys) if key not in reusable]
    fresh: np.ndarray | None = None
    if missing:
        wanted = [texts[i] for i in missing]
        if settings.ray_address:
            from qa.ray_embedding import encode_with_ray

            fresh = encode_with_ray(settings, wanted)
        else:
            from qa.embedding import load_embedder  # the model is loaded only when something needs embedding

            fresh = load_embedder(settings, threads=0).encode_passages(wanted, show_progress=progress)  # every core
    dimension = fresh.shape[1] if fresh is not None else next(iter(reusable.values())).shape[0] if reusable else 0
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    for i, key in enumerate(keys):
        if key in reusable:
            vectors[i] = reusable[key]
    return vectors, len(missing)


def _tokenizer(documents: list[Document]) -> BM25Tokenizer:
    """The BM25 tokenizer with the words mined from these reports."""
    return BM25Tokenizer(
        mine_user_words(
            (d.text for d in documents),
            (s.heading for d in documents for s in d.sections),
            {d.metadata.town for d in documents if d.metadata.town},
        )
    )


def _report(
    documents: list[Document],
    old_files: dict[str, str],
    hashes: dict[str, str],
    skipped: dict[str, str],
    chunks: int,
    embedded: int,
    started: float,
    generation: str,
    sentences_embedded: int = 0,
) -> BuildReport:
    indexed = {d.source for d in documents}
    return BuildReport(
        added=sorted(n for n in indexed if n not in old_files),
        changed=sorted(n for n in indexed if n in old_files and old_files[n] != hashes[n]),
        removed=sorted(n for n in old_files if n not in indexed),
        unchanged=sorted(n for n in indexed if old_files.get(n) == hashes[n]),
        skipped=skipped,
        chunks=chunks,
        embedded=embedded,
        reused=chunks - embedded,
        sentences_embedded=sentences_embedded,
        seconds=time.perf_counter() - started,
        generation=generation,
    )


def _build_milvus(settings: Settings, *, full: bool, strict: bool, progress: bool, started: float) -> BuildReport:
    """The build on a Milvus store (`qa.stores.milvus`): the same reading, chunking and embedding, written
    as a new generation of collections that `publish` switches the alias to. Vectors are reused from the
    live Milvus generation, and from a FAISS index of the same model in `settings.index_dir` (so moving
    an index to Milvus embeds nothing)."""
    from qa.stores.milvus import MilvusStore, lexical_text

    store = MilvusStore(settings.milvus_uri, settings.milvus_collection)
    live = store.live()
    old_manifest = store.manifest(live) if live else None
    same_model = old_manifest is not None and old_manifest.get("model") == settings.model
    compatible = same_model and old_manifest.get("format") == INDEX_FORMAT and old_manifest.get("chunker") == chunker_id(settings)
    paths, hashes, skipped = _scan(settings, strict)
    old_files: dict[str, str] = old_manifest.get("files", {}) if old_manifest else {}
    if compatible and not full and hashes == old_files and skipped == old_manifest.get("skipped", {}):
        return BuildReport(
            unchanged=sorted(hashes), skipped=skipped, chunks=old_manifest["counts"]["chunks"], noop=True,
            seconds=time.perf_counter() - started, generation=live,
        )

    documents = _read_documents(settings, paths, skipped, strict)
    chunks, texts, keys = _passages(documents)
    reusable: dict[str, np.ndarray] = {}
    if not full:
        reusable = _faiss_vectors(settings, set(keys))
        if same_model:
            reusable.update(store.vectors_for_keys(live, [k for k in keys if k not in reusable]))
    vectors, embedded = _embed(settings, texts, keys, reusable, progress)
    tokenizer = _tokenizer(documents)

    # numbered past every generation there is, so that a name is never reused; then the generation kept
    # for questions in flight at the last build, and what killed builds left behind, are dropped
    name = store.new_generation(int(vectors.shape[1]), tokenizer.user_words)
    store.drop_stale(keep={name})
    metadata = {d.source: d.metadata for d in documents}
    rows = [
        {
            "id": i,
            "chunk_id": chunk.id,
            "embed_key": key,
            "source": chunk.source,
            "town": metadata[chunk.source].town or "",
            "date": metadata[chunk.source].date or "",
            "years": sorted(document_years(metadata[chunk.source])),
            "section_path": list(chunk.section_path),
            "text": chunk.text,
            "opening": chunk.opening,
            "footnotes": [asdict(f) for f in chunk.footnotes],
            "position": {"start": chunk.start, "end": chunk.end, "page": chunk.page, "page_end": chunk.page_end},
            "lexical_text": lexical_text(tokenizer.tokenize(text)),
            "dense": vector,
        }
        for i, (chunk, text, key, vector) in enumerate(zip(chunks, texts, keys, vectors, strict=True))
    ]
    manifest = {
        **_manifest(settings, documents, len(chunks), int(vectors.shape[1]), tokenizer, hashes, skipped),
        "stores": {"dense": store.kind, "lexical": store.kind},
        "user_words": list(tokenizer.user_words),
    }
    store.insert_documents(name, (_document_json(d) for d in documents), manifest)
    store.insert_passages(name, rows)
    store.publish(name)
    return _report(documents, old_files, hashes, skipped, len(chunks), embedded, started, name)


def _faiss_vectors(settings: Settings, keys: set[str]) -> dict[str, np.ndarray]:
    """Vectors of the FAISS index in `settings.index_dir` built with the same model, for `keys`."""
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexDamagedError:
        return {}
    if manifest is None or manifest.get("model") != settings.model:
        return {}
    return {key: vector for key, vector in _old_vectors(settings.index_dir, manifest).items() if key in keys}


def load_catalog(settings: Settings) -> dict[str, IndexedDocument]:
    """The indexed reports by source, from whichever store `settings.store` names (the chat's report
    list, `qa reports`)."""
    if not settings.milvus_uri:
        return load_index(settings.index_dir, expected_model=settings.model).documents
    from qa.stores.milvus import MilvusStore

    store = MilvusStore(settings.milvus_uri, settings.milvus_collection)
    live = store.live()
    if live is None:
        raise IndexMissingError(f"Milvus（{settings.store}）中没有索引：请先运行 `qa build --store {settings.store}`")
    return {raw["source"]: document_from_json(raw) for raw in store.documents(live, "")}


def _strict_message(skipped: dict[str, str]) -> str:
    return "严格模式：以下文件无法读取，构建中止，现有索引未改动：" + "；".join(f"{n}（{r}）" for n, r in skipped.items())


def _old_vectors(index_dir: Path, manifest: dict | None) -> dict[str, np.ndarray]:
    """Vectors of the live generation keyed by the hash of their embedded text; empty when unusable."""
    generation = current_generation(index_dir)
    if manifest is None or generation is None:
        return {}
    try:
        dense = load_dense(generation, manifest)
        keys = [json.loads(line)["embed_key"] for line in (generation / "chunks.jsonl").open(encoding="utf-8")]
        if len(dense) != len(keys):
            raise ValueError("row count mismatch")
        matrix = dense.get(np.arange(len(keys), dtype=np.int64))
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        log.warning("cannot reuse vectors of %s (%s); embedding everything", generation, error)
        return {}
    return dict(zip(keys, matrix, strict=True))


def _old_sentence_vectors(index_dir: Path) -> dict[str, np.ndarray]:
    """Sentence vectors of the live generation by their text; empty when it has none or they are unusable."""
    generation = current_generation(index_dir)
    if generation is None or not (generation / SENTENCES_FILE).is_file():
        return {}
    try:
        return _read_sentences(generation)
    except (OSError, ValueError, KeyError) as error:
        log.warning("cannot reuse sentence vectors of %s (%s); embedding them again", generation, error)
        return {}


def _write_sentences(directory: Path, sentences: list[str], vectors: np.ndarray) -> None:
    write_file(directory / SENTENCES_FILE, "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in sentences))
    with (directory / SENTENCE_VECTORS_FILE).open("wb") as handle:
        np.save(handle, vectors.astype(np.float32), allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())


def _read_sentences(generation: Path) -> dict[str, np.ndarray]:
    texts = [json.loads(line) for line in (generation / SENTENCES_FILE).open(encoding="utf-8")]
    vectors = np.load(generation / SENTENCE_VECTORS_FILE, allow_pickle=False)
    if vectors.ndim != 2 or len(vectors) != len(texts) or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"{SENTENCES_FILE} and {SENTENCE_VECTORS_FILE} disagree")
    return dict(zip(texts, vectors, strict=True))


def _document_json(document: Document) -> dict:
    """A report as documents.json (and the Milvus store) keep it; `document_from_json` reads it back."""
    return {
        "source": document.source,
        "sha256": document.sha256,
        "metadata": asdict(document.metadata),
        "text": document.text,
        "sections": [asdict(s) for s in document.sections],
    }


def _write_generation(
    directory: Path, documents: list[Document], chunks: list[Chunk], keys: list[str], vectors: np.ndarray,
    tokenizer: BM25Tokenizer,
) -> None:
    docs_json = [_document_json(d) for d in documents]
    write_file(directory / "documents.json", json.dumps(docs_json, ensure_ascii=False))
    lines = [
        json.dumps({**asdict(chunk), "embed_key": key}, ensure_ascii=False) for chunk, key in zip(chunks, keys, strict=True)
    ]
    write_file(directory / "chunks.jsonl", "\n".join(lines) + "\n")

    dense = build_dense(vectors, DEFAULT_DENSE)  # exact up to 20k passages, HNSW above (qa/stores/faiss.py)
    dense.save(directory)

    write_file(directory / "userdict.txt", "\n".join(tokenizer.user_words) + "\n")
    metadata_by_source = {d.source: d.metadata for d in documents}
    corpus_tokens = [tokenizer.tokenize(embedding_text(c, metadata_by_source[c.source])) for c in chunks]
    lexical = build_lexical(corpus_tokens, DEFAULT_LEXICAL)
    lexical.save(directory)


def _manifest(
    settings: Settings,
    documents: list[Document],
    chunks: int,
    dimension: int,
    tokenizer: BM25Tokenizer,
    hashes: dict[str, str],
    skipped: dict[str, str],
) -> dict:
    """What every generation's manifest records, whichever store holds it."""
    return {
        "format": INDEX_FORMAT,
        "model": settings.model,
        "dimension": dimension,
        "chunker": chunker_id(settings),
        "files": {d.source: hashes[d.source] for d in documents},
        "skipped": skipped,
        "counts": {"documents": len(documents), "chunks": chunks, "user_words": len(tokenizer.user_words)},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _write_manifest(directory: Path, manifest: dict) -> None:
    """The manifest (`_manifest`, with the stores and each file's checksum), written last: a generation
    without one is incomplete by definition."""
    for path in directory.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
    manifest = {
        **manifest,
        "stores": {"dense": DEFAULT_DENSE, "lexical": DEFAULT_LEXICAL},
        "checksums": {p.relative_to(directory).as_posix(): file_sha256(p) for p in _data_files(directory)},
    }
    write_file(directory / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    fsync_dir(directory)


# ---------------------------------------------------------------- load


def load_index(index_dir: Path, *, expected_model: str | None = None, expected_dimension: int | None = None) -> LoadedIndex:
    generation = current_generation(index_dir)
    if generation is None:
        raise IndexMissingError(f"{index_dir} 中没有索引：请先运行 `qa build`")
    damaged = f"index damaged ({generation}): run `qa build --full`"
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        _check_manifest(manifest)
        if manifest.get("format") != INDEX_FORMAT:
            raise IndexDamagedError(f"index format {manifest.get('format')} is not {INDEX_FORMAT}: run `qa build`")
        damaged_names = damaged_files(generation, manifest)
        if damaged_names:
            raise IndexDamagedError(f"{damaged} — files differ from the manifest: {', '.join(damaged_names)}")
        raw_docs = json.loads((generation / "documents.json").read_text(encoding="utf-8"))
        documents = {d["source"]: document_from_json(d) for d in raw_docs}
        chunks = [_chunk_from_json(json.loads(line)) for line in (generation / "chunks.jsonl").open(encoding="utf-8")]
        dense = load_dense(generation, manifest)
        lexical = load_lexical(generation, manifest)
        user_words = (generation / "userdict.txt").read_text(encoding="utf-8").split("\n")
        sentence_vectors = _read_sentences(generation)
    except IndexDamagedError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError, RuntimeError) as error:
        raise IndexDamagedError(f"{damaged} — {type(error).__name__}: {error}") from error
    if (
        len(dense) != len(chunks)
        or dense.dimension != manifest["dimension"]
        or len(chunks) != manifest["counts"]["chunks"]
        or len(lexical) != len(chunks)
    ):
        raise IndexDamagedError(f"{damaged} — the files disagree on the number of passages")
    if set(documents) != {c.source for c in chunks} or set(documents) != set(manifest["files"]):
        raise IndexDamagedError(f"{damaged} — documents.json, chunks.jsonl and the manifest list different reports")
    if expected_model is not None and manifest.get("model") != expected_model:
        raise IndexMismatchError(
            f"索引是用模型 {manifest.get('model')} 构建的，而当前配置的模型是 {expected_model}：请运行 `qa build --full`"
        )
    if expected_dimension is not None and dense.dimension != expected_dimension:
        raise IndexMismatchError(f"索引向量维度 {dense.dimension} 与模型维度 {expected_dimension} 不符：请运行 `qa build --full`")
    return LoadedIndex(
        directory=generation,
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        dense=dense,
        lexical=lexical,
        tokenizer=BM25Tokenizer(user_words),
        sentence_vectors=sentence_vectors,
    )


def _periods(raw: list[dict]) -> tuple[Period, ...]:
    return tuple(Period(**p) for p in raw)


def document_from_json(raw: dict) -> IndexedDocument:
    """A report as `_document_json` wrote it."""
    meta = dict(raw["metadata"])
    meta["periods_reviewed"] = _periods(meta.get("periods_reviewed", []))
    meta["periods_planned"] = _periods(meta.get("periods_planned", []))
    return IndexedDocument(
        source=raw["source"],
        sha256=raw["sha256"],
        metadata=Metadata(**meta),
        text=raw["text"],
        sections=tuple(Section(**{**s, "path": tuple(s["path"])}) for s in raw["sections"]),
    )


def _chunk_from_json(raw: dict) -> Chunk:
    return Chunk(
        id=raw["id"],
        source=raw["source"],
        section_path=tuple(raw["section_path"]),
        text=raw["text"],
        start=raw["start"],
        end=raw["end"],
        footnotes=tuple(Footnote(**f) for f in raw["footnotes"]),
        page=raw.get("page"),
        page_end=raw.get("page_end"),
        opening=raw.get("opening", ""),
    )
