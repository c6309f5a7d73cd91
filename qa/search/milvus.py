"""`MilvusRetriever`: the `Retriever` of `qa.search.retriever` over a Milvus store's candidates.

The passages stay in Milvus; per question each of its searches returns candidates, and the same
reading, per-chunk table, steering, fusion and `Hit`s as the FAISS path run over them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from qa.crosslingual import english_glosses, flattened, pinyin_names, translations
from qa.documents import Chunk, Footnote
from qa.evidence import bm25_idf
from qa.fusion import Candidates, QuestionTraits, Relevance, fuse, rare_weight, weighed_tokens
from qa.highlight import split_sentences
from qa.index import IndexedDocument, IndexMismatchError, IndexMissingError, document_from_json
from qa.pairs import candidate_coverage
from qa.query import QueryReading, comparison_sides, read_question
from qa.search.retriever import (
    CANDIDATES,
    SENTENCE_CACHE_SIZE,
    Hit,
    Retriever,
    build_hit,
    pair_query,
    passage_context,
    rank,
    side_members,
)
from qa.settings import Settings
from qa.steering import ChunkTable
from qa.text import BM25Tokenizer, normalize_for_matching

#: Reports of candidate passages kept in memory by a `MilvusRetriever` (their text shows a passage's context).
DOCUMENT_CACHE_SIZE = 256


class MilvusRetriever(Retriever):
    """A `Retriever` over a Milvus store (`Settings.store` a Milvus URI): the passages stay in Milvus.

    Per question, a dense search and a BM25 full-text search each return their top `CANDIDATES`
    passages with their fields (the hard filters are Milvus filter expressions); the union of these
    candidates gets the same per-chunk table, steering and fusion as the FAISS path, over arrays of
    candidates instead of arrays of every passage, and the same `Hit`s. Dense scores are exact for
    every candidate (its vector comes with it); a candidate BM25 did not return scores 0 there.

    The retriever serves the generation that was live when it was made (`reload_retriever` moves to a
    newer one; a build keeps the previous generation until the next build, so questions in flight
    finish). The reports of candidates are fetched from Milvus and cached (bounded)."""

    def __init__(self, settings: Settings | None = None) -> None:
        from qa.embedding import load_embedder
        from qa.stores.milvus import MilvusStore

        self.settings = settings or Settings.from_env()
        self.store = MilvusStore(self.settings.milvus_uri, self.settings.milvus_collection)
        generation = self.store.live()
        if generation is None:
            raise IndexMissingError(f"Milvus（{self.settings.store}）中没有索引：请先运行 `qa build --store {self.settings.store}`")
        self.generation = generation
        self.manifest = self.store.manifest(generation)
        if self.manifest.get("model") != self.settings.model:
            raise IndexMismatchError(
                f"索引是用模型 {self.manifest.get('model')} 构建的，而当前配置的模型是 {self.settings.model}：请运行 `qa build --full`"
            )
        self.embedder = load_embedder(self.settings)
        if self.embedder.dimension != self.manifest["dimension"]:
            raise IndexMismatchError(
                f"索引向量维度 {self.manifest['dimension']} 与模型维度 {self.embedder.dimension} 不符：请运行 `qa build --full`"
            )
        self.tokenizer = BM25Tokenizer(self.manifest["user_words"])
        self.passage_count = int(self.manifest["counts"]["chunks"])
        # what the question's reading and English→Chinese tokens ask of the corpus, asked of Milvus
        self._corpus_text = _Probe(lambda fragment: self.store.contains_text(generation, fragment))
        self._vocabulary = _Probe(lambda token: self.store.passages_holding(generation, token) > 0)
        self._town_names = self.store.towns(generation)
        # whether reports here carry periods (news articles have none): a year is then steering, not a word
        self._has_periods = any(d.metadata.periods_reviewed or d.metadata.periods_planned for d in self.documents)
        self._document_cache: dict[str, IndexedDocument] = {}
        self._every_report: ChunkTable | None = None  # the years every report speaks of (`_coverage`)
        self._document_lock = threading.Lock()
        self._df: dict[str, int] = {}
        self._pair_df: dict[str, int] = {}
        english_glosses()
        self._names: dict[str, tuple[str, ...]] | None = None  # see `_pinyin_names`
        # a Milvus generation holds no sentence vectors: the answer step's sentences are embedded when
        # first asked about, and cached (bounded)
        self._stored_sentences: dict[str, np.ndarray] = {}
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._sentence_lock = threading.Lock()

    # -- public (the `Retriever` API)

    @property
    def documents(self) -> list[IndexedDocument]:
        """Every indexed report (read from Milvus on each call: a catalog, not a cache)."""
        found = [document_from_json(raw) for raw in self.store.documents(self.generation, "")]
        return sorted(found, key=lambda d: (d.metadata.date or "", d.source))

    def document(self, source: str) -> IndexedDocument | None:
        """The indexed document `source` names (from the cache or Milvus), None when there is none."""
        return self._reports([source]).get(source)

    @property
    def towns(self) -> list[str]:
        return list(self._town_names)

    @property
    def table(self) -> ChunkTable:
        raise AttributeError("a Milvus store has no table of every passage; candidates get one per question")

    def read(self, question: str) -> QueryReading:
        return read_question(question, self._town_names, self._corpus_text, self.settings.current_year, self._pinyin_names)

    def context(self, chunk_id: str) -> tuple[IndexedDocument, tuple[str, ...], str, tuple[int, int]]:
        from qa.stores.milvus import quote

        rows = self.store.passages(self.generation, f"chunk_id == {quote(chunk_id)}", limit=1)
        if not rows:
            raise KeyError(chunk_id)
        chunk = _chunk_from_row(rows[0])
        return passage_context(chunk, self._reports([chunk.source])[chunk.source])

    def term_idf(self, token: str) -> float:
        """The BM25 idf of a token, from how many passages hold it as a substring (Milvus keeps its BM25
        statistics to itself; a count query approximates the document frequency, cached)."""
        if token not in self._df:
            self._df[token] = self.store.passages_holding(self.generation, token)
        return bm25_idf(self._df[token], self.passage_count)

    def pair_frequency(self, pair: str) -> int:
        """How many passages hold a character pair (`qa.pairs`): a substring count on the server, cached."""
        if pair not in self._pair_df:
            self._pair_df[pair] = self.store.passages_containing(self.generation, pair)
        return self._pair_df[pair]

    # -- internals

    def _pinyin_names(self) -> dict[str, tuple[str, ...]]:
        """The indexed reports' words by their pinyin (`qa.crosslingual.pinyin_names`), for the names an
        English question spells: Milvus cannot list its BM25 vocabulary, so the reports' text is tokenized
        as the index was, at the first English question, and kept."""
        if self._names is None:
            self._names = pinyin_names({t for d in self.documents for t in self.tokenizer.tokenize(d.text)})
        return self._names

    def _search(
        self, reading: QueryReading, k: int, *, town: str | None, year: int | None, sources: list[str] | None
    ) -> tuple[list[Hit], Relevance]:
        from qa.stores.milvus import OPENING_EXPRESSION, filter_expression

        expression = filter_expression(town=town, year=year, sources=sources)
        readings = [reading, *comparison_sides(reading)]
        pool: dict[int, dict] = {}
        queries: dict[str, tuple[list[str], list[tuple[str, ...]], str, np.ndarray, dict[int, float], set[int]]] = {}
        for one in readings:
            key = one.anchored_text
            if key in queries:
                continue
            query_vector = self.embedder.encode_queries([key])[0]
            tokens = self.tokenizer.tokenize(one.matched_text)
            translated = translations(one.text, self.tokenizer.tokenize, self._vocabulary, self._pinyin_names()) if one.foreign else []
            tokens += flattened(translated)
            dense_rows = self.store.search_dense(self.generation, query_vector, CANDIDATES, expression)
            lexical_rows = self.store.search_lexical(self.generation, " ".join(tokens), CANDIDATES, expression) if tokens else []
            pool.update((row["id"], row) for row in (*dense_rows, *lexical_rows))
            queries[key] = (tokens, translated, pair_query(one, self._town_names, self._has_periods), query_vector,
                            {row["id"]: row["score"] for row in lexical_rows}, {row["id"] for row in dense_rows})
        if reading.about_report:  # the reports' openings answer it (`qa.steering.is_opening`), searched or not
            opening = f"({OPENING_EXPRESSION}) and ({expression})" if expression else OPENING_EXPRESSION
            pool.update((row["id"], row) for row in self.store.passages(self.generation, opening))
        ids = sorted(pool)
        chunks = [_chunk_from_row(pool[i]) for i in ids]
        vectors = np.array([pool[i]["dense"] for i in ids], dtype=np.float32).reshape(len(ids), self.manifest["dimension"])

        def relevance_of(one: QueryReading) -> Relevance:
            """As over a FAISS store: a passage outside the dense search's candidates scores as the lowest
            of them, and one BM25 did not return scores 0."""
            tokens, translated, pairs_of, query_vector, lexical, dense_ids = queries[one.anchored_text]
            scores = np.array([lexical.get(i, 0.0) for i in ids], dtype=np.float32)
            dense = vectors @ query_vector
            searched = np.array([i in dense_ids for i in ids], dtype=bool)
            if searched.any():
                dense = np.where(searched, dense, float(dense[searched].min()))
            coverage = candidate_coverage(pairs_of, [c.text_with_opening for c in chunks], self.pair_frequency, self.passage_count)
            return Relevance(dense, scores, coverage, tokens, query_vector, tuple(translated))

        relevance = relevance_of(reading)
        if not ids:
            return [], relevance
        documents = self._reports(sorted({c.source for c in chunks}))
        table = ChunkTable(chunks, documents)
        allowed = table.allowed(town=town, year=year, sources=sources)  # what the expression let through
        if not allowed.any():
            return [], relevance

        lengths = np.array([len(c.text) for c in chunks], dtype=np.float64)
        has_periods = bool(table.chunk_years.any() or table.chunk_labels.any())

        def fused_of(one: QueryReading) -> tuple[np.ndarray, Candidates]:
            scored = relevance_of(one)
            candidates = Candidates(
                dense=scored.dense, lexical=scored.lexical, document=table.doc_of_chunk, length=lengths,
                town_match=table.town_match(one.towns), time_match=table.time_match(one), coverage=scored.coverage,
                dense_floor=float(scored.dense.min()), lexical_floor=0.0,
            )
            idfs = [self.term_idf(token) for token in weighed_tokens(scored.query_tokens, one.foreign, self._vocabulary)]
            traits = QuestionTraits(
                rare_weight=rare_weight(idfs, bm25_idf(1, self.passage_count)),
                names_town=bool(one.towns),
                names_period=has_periods and bool(one.years or one.halves or one.plans),
            )
            return fuse(candidates, allowed, traits), candidates

        fused, candidates = fused_of(reading)
        sides = [(fused, table.openings_asked(reading, candidates.town_match))] if reading.about_report else []
        for side in readings[1:]:
            side_fused, side_candidates = fused_of(side)
            sides.append((side_fused, side_members(side_candidates.town_match, side_candidates.time_match, side)))
        hits = []
        for i in rank(fused, sides, allowed, k):
            chunk = chunks[i]
            found = split_sentences(chunk.text)
            hits.append(
                build_hit(
                    chunk,
                    documents[chunk.source].metadata,
                    (found, [normalize_for_matching(s.text) for s in found]),
                    reading,
                    relevance.query_tokens,
                    (float(fused[i]), float(relevance.dense[i]), float(relevance.lexical[i])),
                    float(candidates.time_match[i]),
                )
            )
        return hits, relevance

    def _reports(self, sources: list[str]) -> dict[str, IndexedDocument]:
        """The reports `sources` name, from the cache or Milvus."""
        from qa.stores.milvus import quote

        with self._document_lock:
            missing = [s for s in sources if s not in self._document_cache]
        if missing:
            fetched = self.store.documents(self.generation, f"source in [{', '.join(map(quote, missing))}]")
            with self._document_lock:
                if len(self._document_cache) + len(fetched) > DOCUMENT_CACHE_SIZE:
                    self._document_cache.clear()
                self._document_cache.update((raw["source"], document_from_json(raw)) for raw in fetched)
        with self._document_lock:
            return {s: self._document_cache[s] for s in sources if s in self._document_cache}

    def _coverage(self, reading: QueryReading) -> tuple[bool, bool, tuple[int, ...]]:
        """`ChunkTable.covers`, `ChunkTable.covers_results` and `ChunkTable.in_passing` over the reports of
        the towns the question names, or over every report when it names none (read once)."""
        if not reading.years:
            return True, True, ()
        if reading.towns:
            from qa.stores.milvus import quote

            found = self.store.documents(self.generation, f"town in [{', '.join(map(quote, reading.towns))}]")
            table = ChunkTable([], {raw["source"]: document_from_json(raw) for raw in found})
        else:
            if self._every_report is None:
                self._every_report = ChunkTable([], {d.source: d for d in self.documents})
            table = self._every_report
        return table.covers(reading), table.covers_results(reading), table.in_passing(reading)


class _Probe:
    """Stands for the corpus' text (`name in corpus_text`) or vocabulary (`token in vocabulary`) where
    the question's reading asks, without holding either: `test` (a query to Milvus) per new string,
    cached (bounded)."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._test = test
        self._known: dict[str, bool] = {}

    def __contains__(self, fragment: object) -> bool:
        if not isinstance(fragment, str) or not fragment:
            return False
        if fragment not in self._known:
            if len(self._known) >= SENTENCE_CACHE_SIZE:
                self._known.clear()
            self._known[fragment] = self._test(fragment)
        return self._known[fragment]


def _chunk_from_row(row: dict) -> Chunk:
    """A passage as a Milvus search or query returns it."""
    position = row["position"]
    return Chunk(
        id=row["chunk_id"],
        source=row["source"],
        section_path=tuple(row["section_path"]),
        text=row["text"],
        start=position["start"],
        end=position["end"],
        footnotes=tuple(Footnote(**f) for f in row["footnotes"]),
        page=position.get("page"),
        page_end=position.get("page_end"),
        opening=row.get("opening", ""),  # a generation built before windows had openings has none
    )
