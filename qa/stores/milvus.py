"""The Milvus store: passages, their vectors and their BM25 postings in Milvus, so that nothing of the
corpus has to fit in the serving process (README "Scaling out").

The store is a URI (`Settings.store`): a local file ending in .db is served by Milvus Lite inside this
process (tests, small deployments); http://host:19530 is a Milvus standalone or cluster. pymilvus
speaks the same protocol to both.

Layout, for a collection prefix P (`Settings.milvus_collection`)::

    P_g000007        passages of generation 7: one row a passage (see `passage_schema`)
    P_g000007_docs   its reports: one row a report (metadata, section tree, clean text, as JSON in
                     pieces), and one row under the empty source holding the generation's manifest
    P                an alias naming the live generation's passage collection

Milvus has no transactions, so a build writes a whole new generation beside the live one and then
moves the alias (`publish`): a build that fails or is killed at any moment leaves the alias on the
previous generation, which stays searchable. The generation before the live one is kept until the next
build, so a process still serving it finishes its questions; older ones and leftovers of killed builds
are dropped.

Lexical search is Milvus' own BM25: a BM25 function turns `lexical_text`, analyzed with the jieba
tokenizer (the corpus' mined words added to its dictionary), into a sparse vector that Milvus scores;
full-text search sends the question's tokens and Milvus analyzes them the same way. `lexical_text`
holds the passage's tokens as the FAISS path's BM25 gets them (`qa.text.BM25Tokenizer`: jieba's
search mode, stop words and punctuation dropped), space-separated, which jieba's exact mode keeps
as they are: fed the raw text instead, Milvus' jieba kept stop words and cut differently, and the dev
set's hit@1 fell from 0.97 to 0.89. The spaces also make a token's document frequency one exact
count query (`lexical_text like "% token %"`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: How a passage's dense vectors are indexed: HNSW over inner product with the FAISS store's parameters
#: (qa/stores/faiss.py), searched with efSearch = max(128, k).
HNSW_PARAMS = {"M": 32, "efConstruction": 80}
HNSW_EF_SEARCH = 128
#: BM25's parameters, those of bm25s (the FAISS path's lexical store).
BM25_K1 = 1.5
BM25_B = 0.75

#: Milvus' VARCHAR limit is in bytes (65,535); a piece of JSON this many characters fits even when
#: every character takes four bytes in UTF-8.
PIECE_CHARS = 16_000
#: The most pieces one report's JSON may take (a 10 MB report file gives far less clean text).
MAX_PIECES = 4_096
#: Rows sent to Milvus per insert call (a gRPC message stays well under its 64 MB limit).
INSERT_BATCH = 512
#: Keys per `embed_key in [...]` query when reusing vectors.
QUERY_BATCH = 1_000

#: The fields a search returns for each candidate passage: everything a `Hit` needs, and its vector.
PASSAGE_FIELDS = ["chunk_id", "source", "section_path", "text", "opening", "footnotes", "position", "dense"]

INSTALL_HINT = "Milvus 存储需要 pymilvus 和 milvus-lite：请运行 pip install -e '.[scale]'（或改用 QA_STORE=faiss）"

_GENERATION = re.compile(r"_g(\d{6})$")


class MilvusUnavailableError(RuntimeError):
    """pymilvus is not installed, or the Milvus the URI names cannot be reached; the message says what
    to do."""


_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def connect(uri: str) -> Any:
    """The process' one `MilvusClient` for `uri` (Milvus Lite lets one process at a time open a file)."""
    try:
        from pymilvus import MilvusClient
    except ImportError as error:
        raise MilvusUnavailableError(INSTALL_HINT) from error
    with _clients_lock:
        if uri not in _clients:
            try:
                _clients[uri] = MilvusClient(uri)
            except Exception as error:  # pymilvus raises several kinds (MilvusException, ConnectionError…)
                raise MilvusUnavailableError(
                    f"无法连接 Milvus（QA_STORE={uri}）：{error}。本地文件须以 .db 结尾、目录可写，且同一时间"
                    "只能由一个进程打开（例如聊天服务正在使用它时，请在该服务中添加报告）；服务地址须能访问"
                    "（见 README「Scaling out」）"
                ) from error
        return _clients[uri]


def disconnect(uri: str) -> None:
    """Close this process' client for `uri`, and for a Milvus Lite file the server this process runs for
    it, releasing the file to another process."""
    with _clients_lock:
        client = _clients.pop(uri, None)
    if client is not None:
        client.close()
    if not uri.startswith(("http://", "https://")):
        from milvus_lite import server_manager_instance

        server_manager_instance.release_server(uri)


def quote(value: str) -> str:
    """`value` as a Milvus filter string literal."""
    return json.dumps(value, ensure_ascii=False)


def filter_expression(*, town: str | None, year: int | None, sources: Sequence[str] | None) -> str:
    """The hard filters as a Milvus filter expression over passage fields ("" for none), with the
    meaning `qa.steering.ChunkTable.allowed` gives them: a report's town matches when either name
    starts with the other, its years include `year`, its source is among `sources`."""
    clauses = []
    if town:
        prefixes = [town[:n] for n in range(1, len(town) + 1)]
        like = quote(_like_literal(town) + "%")
        clauses.append(f'(town != "" and (town like {like} or town in [{", ".join(map(quote, prefixes))}]))')
    if year:
        clauses.append(f"array_contains(years, {int(year)})")
    if sources:
        clauses.append(f"source in [{', '.join(map(quote, sources))}]")
    return " and ".join(clauses)


#: The passages that open their report before any section (`qa.steering.is_opening`).
OPENING_EXPRESSION = 'array_length(section_path) == 0 and position["start"] == 0'


def split_pieces(text: str) -> list[str]:
    """`text` in pieces that each fit a VARCHAR field."""
    pieces = [text[i : i + PIECE_CHARS] for i in range(0, len(text), PIECE_CHARS)] or [""]
    if len(pieces) > MAX_PIECES:
        raise ValueError(f"a report too long for the Milvus store ({len(text)} characters of JSON)")
    return pieces


class MilvusStore:
    """One Milvus (a URI) and one collection prefix: the generations of an index, and searches over one."""

    kind = "milvus"

    def __init__(self, uri: str, prefix: str) -> None:
        self.uri = uri
        self.prefix = prefix
        self.client = connect(uri)
        from pymilvus import DataType, Function, FunctionType

        self._types = (DataType, Function, FunctionType)
        self._fields: dict[str, frozenset[str]] = {}

    # -- generations

    def live(self) -> str | None:
        """The live generation's passage collection (what the alias names), loaded for searching, or
        None before a first build. (Milvus Lite reopens a file with its collections released.)"""
        if self.prefix not in self.client.list_aliases().get("aliases", []):
            return None
        name = self.client.describe_alias(self.prefix)["collection_name"]
        for collection in (name, docs_collection(name)):
            self.client.load_collection(collection)
        return name

    def generations(self) -> list[str]:
        """Every passage collection of this prefix, oldest first."""
        pattern = re.compile(re.escape(self.prefix) + _GENERATION.pattern)
        return sorted(name for name in self.client.list_collections() if pattern.fullmatch(name))

    def new_generation(self, dimension: int, user_words: Sequence[str]) -> str:
        """Create the (empty) collections of the next generation; returns its passage collection."""
        existing = [int(_GENERATION.search(name).group(1)) for name in self.generations()]
        name = f"{self.prefix}_g{max(existing, default=0) + 1:06d}"
        # indexes are declared without waiting for them (load waits): Milvus Lite builds them on load
        self.client.create_collection(name, schema=self._passage_schema(dimension, user_words))
        self.client.create_index(name, self._passage_index(), sync=False)
        self.client.create_collection(docs_collection(name), schema=self._document_schema())
        self.client.create_index(docs_collection(name), self._document_index(), sync=False)
        return name

    def insert_documents(self, name: str, documents: Iterable[dict], manifest: dict) -> None:
        """Each report (its JSON-able dict, with `source`, `metadata`) and the generation's manifest."""
        rows = [{"source": "", "town": "", "payload": split_pieces(json.dumps(manifest, ensure_ascii=False)), "unused": [0.0, 0.0]}]
        for document in documents:
            rows.append(
                {
                    "source": document["source"],
                    "town": document["metadata"].get("town") or "",
                    "payload": split_pieces(json.dumps(document, ensure_ascii=False)),
                    "unused": [0.0, 0.0],
                }
            )
        self._insert(docs_collection(name), rows)

    def insert_passages(self, name: str, rows: list[dict]) -> None:
        """Passage rows as `passage_schema` has them (`dense` as float32 arrays)."""
        self._insert(name, rows)

    def _insert(self, name: str, rows: list[dict]) -> None:
        for start in range(0, len(rows), INSERT_BATCH):
            self.client.insert(name, rows[start : start + INSERT_BATCH])

    def publish(self, name: str) -> None:
        """Make `name` the live generation: flush and load its collections, then move the alias (the one
        step that switches readers over); keep the previous generation, drop older ones."""
        for collection in (name, docs_collection(name)):
            self.client.flush(collection)
            self.client.load_collection(collection)
        previous = self.live() if self.prefix in self.client.list_aliases().get("aliases", []) else None
        if previous is None:
            self.client.create_alias(name, self.prefix)
        else:
            self.client.alter_alias(name, self.prefix)
        self.drop_stale(keep={name, previous} - {None})

    def drop_stale(self, keep: set[str]) -> None:
        """Drop this prefix' generations not in `keep` (never the live one): superseded ones, and those
        a killed build left half-written."""
        keep = keep | {self.live()}
        for name in self.generations():
            if name not in keep:
                for collection in (docs_collection(name), name):
                    if self.client.has_collection(collection):
                        self.client.drop_collection(collection)

    # -- reading a generation

    def manifest(self, name: str) -> dict:
        """The manifest a build stored with generation `name`."""
        rows = self.client.query(docs_collection(name), filter='source == ""', output_fields=["payload"])
        if not rows:
            raise ValueError(f"Milvus 集合 {docs_collection(name)} 中没有索引清单（manifest）：请运行 `qa build --full`")
        return json.loads("".join(rows[0]["payload"]))

    def documents(self, name: str, expression: str) -> list[dict]:
        """The reports (as stored) whose rows match `expression` (over `source` and `town`)."""
        wanted = f'source != "" and ({expression})' if expression else 'source != ""'
        rows = self.client.query(docs_collection(name), filter=wanted, output_fields=["payload"])
        return [json.loads("".join(row["payload"])) for row in rows]

    def towns(self, name: str) -> list[str]:
        """The towns of the reports of generation `name` (their town field only, not the reports)."""
        rows = self.client.query(docs_collection(name), filter='source != ""', output_fields=["town"])
        return sorted({row["town"] for row in rows if row["town"]})

    def search_dense(self, name: str, vector: np.ndarray, k: int, expression: str) -> list[dict]:
        """The `k` passages nearest to `vector` among those matching `expression`: their fields, and
        the cosine as `score`, best first."""
        found = self.client.search(
            name,
            data=[np.asarray(vector, dtype=np.float32).tolist()],
            anns_field="dense",
            limit=k,
            filter=expression,
            output_fields=self._passage_fields(name),
            search_params={"metric_type": "IP", "params": {"ef": max(HNSW_EF_SEARCH, k)}},
        )
        return [{**hit["entity"], "id": int(hit["id"]), "score": float(hit["distance"])} for hit in found[0]]

    def search_lexical(self, name: str, text: str, k: int, expression: str) -> list[dict]:
        """The `k` passages BM25 scores highest for `text` (tokenized by Milvus with the collection's
        analyzer) among those matching `expression`, with the BM25 score as `score`."""
        found = self.client.search(
            name,
            data=[text],
            anns_field="sparse",
            limit=k,
            filter=expression,
            output_fields=self._passage_fields(name),
            search_params={"metric_type": "BM25"},
        )
        # Milvus returns the BM25 score as the distance; Milvus Lite returns its negation (smaller is
        # nearer, as for its other indexes). A BM25 score is never negative, so its magnitude is it.
        return [{**hit["entity"], "id": int(hit["id"]), "score": abs(float(hit["distance"]))} for hit in found[0]]

    def passages(self, name: str, expression: str, limit: int = 16_384) -> list[dict]:
        """Passages matching `expression`, with their fields."""
        rows = self.client.query(name, filter=expression, output_fields=self._passage_fields(name), limit=limit)
        return [{**row, "id": int(row["id"])} for row in rows]

    def count(self, name: str, expression: str = "") -> int:
        rows = self.client.query(name, filter=expression, output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def contains_text(self, name: str, fragment: str) -> bool:
        """Whether some passage's text holds `fragment` (a substring scan on the server)."""
        like = quote("%" + _like_literal(fragment) + "%")
        return bool(self.client.query(name, filter=f"text like {like}", output_fields=["id"], limit=1))

    def passages_containing(self, name: str, fragment: str) -> int:
        """How many passages' text or opening (`Chunk.opening`) holds `fragment` (a substring count on
        the server)."""
        like = quote("%" + _like_literal(fragment) + "%")
        if "opening" in self._field_names(name):
            return self.count(name, f"text like {like} or opening like {like}")
        return self.count(name, f"text like {like}")

    def _field_names(self, name: str) -> frozenset[str]:
        """The fields of passage collection `name` (read once)."""
        if name not in self._fields:
            self._fields[name] = frozenset(f["name"] for f in self.client.describe_collection(name)["fields"])
        return self._fields[name]

    def _passage_fields(self, name: str) -> list[str]:
        """`PASSAGE_FIELDS` that collection `name` has: one built before passages had an opening lacks it."""
        present = self._field_names(name)
        return [field for field in PASSAGE_FIELDS if field in present]

    def passages_holding(self, name: str, token: str) -> int:
        """How many passages hold `token` among their BM25 tokens: the document frequency the answer
        step weighs words by (Milvus exposes no BM25 statistics; `lexical_text` is " tok tok … "), 0
        for something that is not one token."""
        if not token or any(c.isspace() for c in token):
            return 0
        return self.count(name, f"lexical_text like {quote('% ' + _like_literal(token) + ' %')}")

    def vectors_for_keys(self, name: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the passages whose embedded text hashes to one of `keys`."""
        found: dict[str, np.ndarray] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), QUERY_BATCH):
            batch = unique[start : start + QUERY_BATCH]
            rows = self.client.query(
                name, filter=f"embed_key in [{', '.join(map(quote, batch))}]", output_fields=["embed_key", "dense"]
            )
            for row in rows:
                found[row["embed_key"]] = np.asarray(row["dense"], dtype=np.float32)
        return found

    # -- schemas

    def _passage_schema(self, dimension: int, user_words: Sequence[str]) -> Any:
        data_type, function, function_type = self._types
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", data_type.INT64, is_primary=True)
        schema.add_field("chunk_id", data_type.VARCHAR, max_length=1024)
        schema.add_field("embed_key", data_type.VARCHAR, max_length=64)
        schema.add_field("source", data_type.VARCHAR, max_length=4096)
        schema.add_field("town", data_type.VARCHAR, max_length=1024)
        schema.add_field("date", data_type.VARCHAR, max_length=32)
        schema.add_field("years", data_type.ARRAY, element_type=data_type.INT64, max_capacity=512)
        schema.add_field("section_path", data_type.ARRAY, element_type=data_type.VARCHAR, max_capacity=64, max_length=4096)
        schema.add_field("text", data_type.VARCHAR, max_length=65535)
        schema.add_field("opening", data_type.VARCHAR, max_length=4096)  # `Chunk.opening`
        schema.add_field("footnotes", data_type.JSON)
        schema.add_field("position", data_type.JSON)  # start, end (in the report's clean text), page, page_end
        schema.add_field(
            "lexical_text",
            data_type.VARCHAR,
            max_length=65535,
            enable_analyzer=True,
            # "_default_" keeps jieba's own dictionary on a Milvus server, the mined words are added to it;
            # a server's jieba keeps punctuation as tokens, which the FAISS path's BM25 drops (Milvus ≥ 2.6)
            analyzer_params={
                "tokenizer": {"type": "jieba", "mode": "exact", "dict": ["_default_", *user_words]},
                "filter": ["removepunct"],
            },
        )
        schema.add_field("sparse", data_type.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", data_type.FLOAT_VECTOR, dim=dimension)
        schema.add_function(
            function(name="bm25", function_type=function_type.BM25, input_field_names=["lexical_text"], output_field_names=["sparse"])
        )
        return schema

    def _passage_index(self) -> Any:
        params = self.client.prepare_index_params()
        params.add_index(field_name="dense", index_type="HNSW", metric_type="IP", params=HNSW_PARAMS)
        params.add_index(
            field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"bm25_k1": BM25_K1, "bm25_b": BM25_B}
        )
        return params

    def _document_schema(self) -> Any:
        data_type = self._types[0]
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("source", data_type.VARCHAR, max_length=4096, is_primary=True)
        schema.add_field("town", data_type.VARCHAR, max_length=1024)
        schema.add_field("payload", data_type.ARRAY, element_type=data_type.VARCHAR, max_capacity=MAX_PIECES, max_length=65535)
        # Milvus wants a vector field in every collection; the reports are looked up by source and town only
        schema.add_field("unused", data_type.FLOAT_VECTOR, dim=2)
        return schema

    def _document_index(self) -> Any:
        params = self.client.prepare_index_params()
        params.add_index(field_name="unused", index_type="FLAT", metric_type="L2")
        return params


def lexical_text(tokens: Sequence[str]) -> str:
    """A passage's BM25 tokens as its `lexical_text`: space-separated, with a space at each end."""
    return " " + " ".join(tokens) + " "


def _like_literal(text: str) -> str:
    """`text` with LIKE's wildcards escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def docs_collection(name: str) -> str:
    """The report collection beside passage collection `name`."""
    return f"{name}_docs"
