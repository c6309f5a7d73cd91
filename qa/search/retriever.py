"""A question's reading → candidates from the stores → fused, cited hits, over an index on disk (FAISS).

`Retriever.retrieve` reads the question once (`qa.query`), scores every passage against it (dense
store + lexical store), filters and steers with the per-chunk table (`qa.steering`), fuses
(`qa.fusion`) and returns a `SearchResult`: the hits, and the reading and query the answer step
reuses.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.crosslingual import english_glosses, flattened, pinyin_names, translations
from qa.documents import Chunk, Footnote, Metadata
from qa.evidence import bm25_idf
from qa.fusion import Candidates, QuestionTraits, Relevance, fuse, rare_weight, weighed_tokens
from qa.highlight import best_sentences, clauses, sentence_vector, split_sentences
from qa.index import (
    IndexedDocument,
    IndexMismatchError,
    LoadedIndex,
    load_index,
)
from qa.pairs import PairIndex
from qa.patterns import FIVE_YEAR_PLAN, YEAR_DIGITS, short_town_name
from qa.query import QueryReading, comparison_sides, read_question
from qa.settings import Settings
from qa.steering import ChunkTable
from qa.text import normalize_for_matching, replace_surrogates

log = logging.getLogger(__name__)

#: How many candidates the dense store contributes before fusion.
CANDIDATES = 256
#: Sentence vectors kept for answerability checks before the cache is emptied.
SENTENCE_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its citation and scores."""

    chunk_id: str
    source: str  # the report's file name
    title: str | None
    town: str | None
    date: str | None
    section_path: tuple[str, ...]
    text: str
    footnotes: tuple[Footnote, ...]
    highlight: str  # the sentence(s) of `text` that answer best, verbatim
    highlight_spans: tuple[tuple[int, int], ...]  # offsets of the highlight within `text`
    score: float  # fused score used for ranking
    dense_score: float  # cosine similarity of question and passage
    bm25_score: float  # raw BM25 score
    start: int  # offsets of `text` in the report's clean text
    end: int
    page: int | None = None  # the page the passage starts on (PDF reports), else None
    page_end: int | None = None  # the page it ends on
    #: 0..1: how well the period the passage speaks of matches the one the question names
    #: (`qa.steering.ChunkTable.time_match`); 0 when the question names none
    period_match: float = 0.0


@dataclass(frozen=True)
class SearchResult:
    """What one search found, and what the answer step needs of it without reading the question again."""

    reading: QueryReading
    hits: list[Hit]
    query_tokens: list[str]  # the question's lexical tokens (translated ones included)
    query_vector: np.ndarray  # the question's embedding
    covered: bool  # a report of the towns the question names is about a year it names (`ChunkTable.covers`)
    #: a report of those towns can give the results the question asks of that year (`ChunkTable.covers_results`)
    results_covered: bool = True
    #: the years named that those reports speak of only in passing (`ChunkTable.in_passing`)
    in_passing: tuple[int, ...] = ()
    #: the Chinese tokens an English question's words translate to, by word (`qa.crosslingual.translations`)
    translations: tuple[tuple[str, ...], ...] = ()


class Retriever:
    """A loaded index and embedder. Load once, then call `search` from any thread."""

    def __init__(
        self, settings: Settings | None = None, *, index_dir: Path | None = None, index: LoadedIndex | None = None
    ) -> None:
        """Load the index in `index_dir` (or the settings' one); `index` gives an already loaded one."""
        from qa.embedding import load_embedder

        self.settings = (settings or Settings.from_env()).with_overrides(index_dir=index_dir)
        self.index: LoadedIndex = index or load_index(self.settings.index_dir, expected_model=self.settings.model)
        self.embedder = load_embedder(self.settings)
        if self.embedder.dimension != self.index.dense.dimension:
            raise IndexMismatchError(
                f"索引向量维度 {self.index.dense.dimension} 与模型维度 {self.embedder.dimension} 不符：请运行 `qa build --full`"
            )
        self._documents = self.index.documents
        self._chunks = self.index.chunks
        self._table = ChunkTable(self._chunks, self._documents)
        self._position = {c.id: i for i, c in enumerate(self._chunks)}
        self._lengths = np.array([len(c.text) for c in self._chunks], dtype=np.float64)
        self._pairs = PairIndex.build([c.text_with_opening for c in self._chunks])
        # whether any passage has a period from its report's metadata (news articles have none)
        self._has_periods = bool(self._table.chunk_years.any() or self._table.chunk_labels.any())
        self._corpus_text = "\n".join(d.text for d in self._documents.values())
        english_glosses()  # read the dictionary now (~1 s), not during the first English question
        self._names: dict[str, tuple[str, ...]] | None = None  # see `_pinyin_names`
        # sentences of each passage, and their normalized text, for highlighting (the index is static)
        self._sentences = [split_sentences(c.text) for c in self._chunks]
        self._normalized_sentences = [[normalize_for_matching(s.text) for s in found] for found in self._sentences]
        self._stored_sentences = self.index.sentence_vectors  # built with the index (qa.index)
        self._sentence_vectors: dict[str, np.ndarray] = {}  # sentences the index does not hold
        self._sentence_lock = threading.Lock()

    # -- public

    @property
    def documents(self) -> list[IndexedDocument]:
        return sorted(self._documents.values(), key=lambda d: (d.metadata.date or "", d.source))

    def document(self, source: str) -> IndexedDocument | None:
        """The indexed report (or other document) `source` names, None when there is none."""
        return self._documents.get(source)

    @property
    def towns(self) -> list[str]:
        return list(self._table.towns)

    @property
    def table(self) -> ChunkTable:
        """The per-chunk table of periods and towns this retriever filters and steers with."""
        return self._table

    def read(self, question: str) -> QueryReading:
        """The question's reading against this index's towns and text."""
        return read_question(question, self._table.towns, self._corpus_text, self.settings.current_year, self._pinyin_names)

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        town: str | None = None,
        year: int | None = None,
        sources: list[str] | None = None,
    ) -> list[Hit]:
        """Top-k passages. `town`, `year` and `sources` are hard filters; towns and periods named in
        the question only steer. A question naming two years or two towns gets the best passage for
        each side first."""
        return self._search(self.read(replace_surrogates(question)), k, town=town, year=year, sources=sources)[0]

    def retrieve(
        self,
        question: str,
        k: int = 5,
        *,
        town: str | None = None,
        year: int | None = None,
        sources: list[str] | None = None,
    ) -> SearchResult:
        """`search`, with the question's reading and query kept for the answer step."""
        reading = self.read(replace_surrogates(question))
        hits, relevance = self._search(reading, k, town=town, year=year, sources=sources)
        return SearchResult(reading, hits, relevance.query_tokens, relevance.query_vector, *self._coverage(reading), relevance.translations)

    def context(self, chunk_id: str) -> tuple[IndexedDocument, tuple[str, ...], str, tuple[int, int]]:
        """A passage in its context: the enclosing section one level up from the passage's own (the
        chapter around a lead-sentence item), as (report, that section's path, its text, the passage's
        offsets within that text). Raises KeyError for an unknown id."""
        chunk = self._chunks[self._position[chunk_id]]
        return passage_context(chunk, self._documents[chunk.source])

    def term_idf(self, token: str) -> float:
        """The BM25 idf of a token over the indexed passages (a token the corpus never uses weighs as
        much as the rarest)."""
        return bm25_idf(self.index.lexical.document_frequency(token), len(self._chunks))

    def sentence_similarities(self, query_vector: np.ndarray, sentences: list[str]) -> np.ndarray:
        """Cosine similarity of a query to each sentence or clause. The index holds the vectors of every
        sentence and clause the answer step weighs; any other is embedded here, clause by clause as the
        index does (`qa.highlight.sentence_vector`), and cached (bounded)."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        stored = self._stored_sentences
        with self._sentence_lock:
            missing = [t for t in dict.fromkeys(sentences) if t not in stored and t not in self._sentence_vectors]
        if missing:
            # as the index does: embed the clauses, compose each sentence's vector from its clauses'
            with self._sentence_lock:
                known = {c: stored.get(c, self._sentence_vectors.get(c)) for t in missing for c in clauses(t)}
            unknown = [c for c, vector in known.items() if vector is None]
            if unknown:
                known.update(zip(unknown, self.embedder.encode_passages(unknown, show_progress=False), strict=True))
            fresh = {**known, **{t: sentence_vector(t, known) for t in missing}}
            with self._sentence_lock:
                if len(self._sentence_vectors) + len(fresh) > SENTENCE_CACHE_SIZE:
                    self._sentence_vectors.clear()
                self._sentence_vectors.update(fresh)
        with self._sentence_lock:
            matrix = np.stack([stored[t] if t in stored else self._sentence_vectors[t] for t in sentences])
        return matrix @ query_vector

    # -- internals

    def _pinyin_names(self) -> dict[str, tuple[str, ...]]:
        """The index's words by their pinyin (`qa.crosslingual.pinyin_names`), for the names an English
        question spells; made at the first English question (0.2 s for the seeds), then kept."""
        if self._names is None:
            self._names = pinyin_names(self.index.lexical.vocabulary)
        return self._names

    def _coverage(self, reading: QueryReading) -> tuple[bool, bool, tuple[int, ...]]:
        """Whether a report of the towns the question names speaks of a year it names, whether one can
        give the results it asks of that year, and the years they speak of only in passing
        (`ChunkTable.covers`, `ChunkTable.covers_results`, `ChunkTable.in_passing`)."""
        return self._table.covers(reading), self._table.covers_results(reading), self._table.in_passing(reading)

    def _search(
        self, reading: QueryReading, k: int, *, town: str | None, year: int | None, sources: list[str] | None
    ) -> tuple[list[Hit], Relevance]:
        """The top-k hits for a reading, and the question's relevance (its tokens and vector)."""
        allowed = self._table.allowed(town=town, year=year, sources=sources)
        relevances: dict[str, Relevance] = {}
        relevance = self._relevance(reading, relevances)
        if not allowed.any():
            return [], relevance
        fused, candidates = self._fused(reading, allowed, relevances)
        # a question about the report itself (who gave it, when) is answered by the report's opening
        sides = [(fused, self._table.openings_asked(reading, candidates.town_match))] if reading.about_report else []
        for side in comparison_sides(reading):
            side_fused, side_candidates = self._fused(side, allowed, relevances)
            sides.append((side_fused, side_members(side_candidates.town_match, side_candidates.time_match, side)))
        return [self._hit(i, reading, relevance, fused, candidates.time_match) for i in rank(fused, sides, allowed, k)], relevance

    def relevance(self, reading: QueryReading) -> Relevance:
        """What the reading's text scores against every passage (dense and BM25), before fusion."""
        return self._relevance(reading, {})

    def _relevance(self, reading: QueryReading, relevances: dict[str, Relevance]) -> Relevance:
        """Dense similarity (over the top candidates; the rest get the lowest candidate's score) and
        BM25 of the question against every chunk; `relevances` caches them by the text embedded, so
        the sides of a comparison (same question, other steering) embed and run BM25 once."""
        key = reading.anchored_text
        if key in relevances:
            return relevances[key]
        n = len(self._chunks)
        query_vector = self.embedder.encode_queries([key])
        values, ids = self.index.dense.search(query_vector, min(n, CANDIDATES))
        dense = np.full(n, np.nan, dtype=np.float32)
        valid = ids[0] >= 0
        dense[ids[0][valid]] = values[0][valid]
        floor = float(np.nanmin(dense)) if np.isfinite(dense).any() else 0.0
        dense = np.where(np.isnan(dense), floor, dense)
        query_tokens = self.index.tokenizer.tokenize(reading.matched_text)
        # BM25 would match nothing of an English question: add Chinese tokens from a dictionary
        translated = (
            translations(reading.text, self.index.tokenizer.tokenize, self.index.lexical.vocabulary, self._pinyin_names())
            if reading.foreign else []
        )
        query_tokens += flattened(translated)
        coverage = self._pairs.coverage(pair_query(reading, self._table.towns, self._has_periods))
        relevances[key] = Relevance(
            dense, self.index.lexical.score(query_tokens), coverage, query_tokens, query_vector[0], tuple(translated)
        )
        return relevances[key]

    def _fused(
        self, reading: QueryReading, allowed: np.ndarray, relevances: dict[str, Relevance]
    ) -> tuple[np.ndarray, Candidates]:
        """The fused score of every passage, and the evidence it was fused from (its town and period
        matches serve the comparison's sides and the hits)."""
        relevance = self._relevance(reading, relevances)
        candidates = self.candidates(reading, relevance)
        return fuse(candidates, allowed, self.traits(reading, relevance)), candidates

    def candidates(self, reading: QueryReading, relevance: Relevance) -> Candidates:
        """Every passage's evidence for the fusion (`qa.fusion`): scores, document, length, steering."""
        return Candidates(
            dense=relevance.dense,
            lexical=relevance.lexical,
            document=self._table.doc_of_chunk,
            length=self._lengths,
            town_match=self._table.town_match(reading.towns),
            time_match=self._table.time_match(reading),
            coverage=relevance.coverage,
        )

    def traits(self, reading: QueryReading, relevance: Relevance) -> QuestionTraits:
        """What the question says about how to weigh the evidence: its rare-term weight over this index,
        and whether it names a town or a period the index's metadata knows (then steering carries those
        words; in text without such metadata a year is an ordinary word)."""
        tokens = weighed_tokens(relevance.query_tokens, reading.foreign, self.index.lexical.vocabulary)
        idfs = [self.term_idf(token) for token in tokens]
        return QuestionTraits(
            rare_weight=rare_weight(idfs, bm25_idf(1, len(self._chunks))),
            names_town=bool(reading.towns),
            names_period=self._has_periods and bool(reading.years or reading.halves or reading.plans),
        )

    def _hit(self, i: int, reading: QueryReading, relevance: Relevance, fused: np.ndarray, period_match: np.ndarray) -> Hit:
        chunk = self._chunks[i]
        return build_hit(
            chunk,
            self._documents[chunk.source].metadata,
            (self._sentences[i], self._normalized_sentences[i]),
            reading,
            relevance.query_tokens,
            (float(fused[i]), float(relevance.dense[i]), float(relevance.lexical[i])),
            float(period_match[i]),
        )


# ---------------------------------------------------------------- shared by both retrievers


def pair_query(reading: QueryReading, towns: list[str], periods: bool) -> str:
    """The text whose character pairs passages are matched on (`qa.pairs`): what BM25 matches, less what
    the steering carries — the indexed towns it names and, where passages carry periods, the years and
    five-year plans. Their pairs match every passage of a report, the town and period features already
    weigh them, and left in they would outweigh the steering that picks each side of a comparison (the
    sides share this text). Nothing for an English question: its letters' pairs match noise, and its
    dictionary words are guesses."""
    if reading.foreign:
        return ""
    text = normalize_for_matching(reading.matched_text)
    carried = {name for town in towns for name in (town, short_town_name(town)) if len(name) > 1 and name in text}
    for name in sorted(carried, key=len, reverse=True):
        text = text.replace(name, " ")
    if periods:
        text = FIVE_YEAR_PLAN.sub(" ", re.sub(YEAR_DIGITS, " ", text))
    return text


def side_members(town_match: np.ndarray, time_match: np.ndarray, side: QueryReading) -> np.ndarray:
    """The passages of a comparison's side: of the town it names, and about its period as closely as any
    passage of that town is (`qa.steering`): a review of 2022, when there is one, and not a five-year
    review that only mentions 2022, stands for 「2022年」."""
    members = np.ones(len(town_match), dtype=bool)
    if side.towns:
        members &= town_match > 0
    if side.years or side.halves or side.plans:
        closest = float(time_match[members].max(initial=0.0))
        members &= (time_match >= closest) & (time_match > 0)
    return members


def rank(fused: np.ndarray, sides: list[tuple[np.ndarray, np.ndarray]], allowed: np.ndarray, k: int) -> list[int]:
    """The positions of the top-k allowed passages by fused score; a comparison's sides (each side's fused
    scores and its passages, `side_members`) first get their best passage each — among the side's own
    passages when it has any, so that one town's strong passage cannot stand for the other town."""
    firsts: list[int] = []
    for scores, members in sides:
        own = allowed & members if (allowed & members).any() else allowed
        best = int(np.argmax(np.where(own, scores, -np.inf)))
        if best not in firsts:
            firsts.append(best)
    ranked = np.where(allowed, fused, -np.inf)
    wanted = min(k + len(firsts), int(allowed.sum()))
    top = np.argpartition(-ranked, wanted - 1)[:wanted] if wanted else np.zeros(0, dtype=np.int64)
    top = top[np.lexsort((top, -ranked[top]))]  # by score, then position (stable, like a full sort)
    order = firsts + [int(i) for i in top if int(i) not in firsts]
    return order[:k]


def build_hit(
    chunk: Chunk,
    meta: Metadata,
    sentences: tuple[list, list[str]],
    reading: QueryReading,
    query_tokens: list[str],
    scores: tuple[float, float, float],
    period_match: float = 0.0,
) -> Hit:
    """A passage as a `Hit`: its citation, its best sentences highlighted, its (fused, dense, BM25)
    scores and its match with the period asked (`Hit.period_match`). `sentences` are the passage's
    sentences (`split_sentences`) and their normalized texts."""
    spans = best_sentences(
        sentences[0],
        sentences[1],
        reading.text,
        query_tokens,
        skip_prefix=chunk.section_path[-1] if chunk.section_path else "",
    )
    return Hit(
        chunk_id=chunk.id,
        source=chunk.source,
        title=meta.title,
        town=meta.town,
        date=meta.date,
        section_path=chunk.section_path,
        text=chunk.text,
        footnotes=chunk.footnotes,
        highlight="".join(chunk.text[s:e] for s, e in spans).strip(),
        highlight_spans=spans,
        score=scores[0],
        dense_score=scores[1],
        bm25_score=scores[2],
        start=chunk.start,
        end=chunk.end,
        page=chunk.page,
        page_end=chunk.page_end,
        period_match=period_match,
    )


def passage_context(chunk: Chunk, document: IndexedDocument) -> tuple[IndexedDocument, tuple[str, ...], str, tuple[int, int]]:
    """`Retriever.context` of a passage of `document`."""
    wanted = chunk.section_path[:-1] if len(chunk.section_path) > 1 else chunk.section_path
    enclosing = [s for s in document.sections if s.path == wanted and s.start <= chunk.start and chunk.end <= s.end]
    start, end = (enclosing[0].start, enclosing[0].end) if enclosing else (chunk.start, chunk.end)
    return document, wanted, document.text[start:end], (chunk.start - start, chunk.end - start)
