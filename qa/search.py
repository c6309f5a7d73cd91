"""Question → query understanding → dense + BM25 → fusion → ranked, cited hits.

Fusion is a weighted sum of min-max normalized scores (dense and BM25 over the same candidates) plus
steering terms for the town and the period the question names. Rank fusion (RRF) throws away how
far apart the scores are, which is what separates a keyword match on a figure from a near miss;
the weighted sum keeps it (see the note in README "Retrieval" for the measurements).
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from pypinyin import Style, pinyin

from qa.crosslingual import english_glosses, translated_tokens
from qa.documents import Chunk, Footnote, Metadata
from qa.evidence import bm25_idf
from qa.highlight import best_sentences, split_sentences
from qa.index import IndexedDocument, LoadedIndex, load_index
from qa.settings import Settings
from qa.text import normalize_for_matching, normalize_question, replace_surrogates, strip_meta_reference

log = logging.getLogger(__name__)

#: Fusion weights, chosen on the dev set and the project's own question set (README "Retrieval").
DENSE_WEIGHT = 0.7
BM25_WEIGHT = 0.3
TOWN_WEIGHT = 0.35
TIME_WEIGHT = 0.25
#: How many candidates each retriever contributes before fusion.
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


# ---------------------------------------------------------------- query understanding

_YEAR = re.compile(r"(20\d{2})\s*年?")
_HALF = re.compile(r"(上|下)半年")
_HALF_EN = re.compile(r"\b(first|second) half\b|\bH([12])\b", re.I)
_FIVE_YEAR_PLAN = re.compile(r"十[一二三四五六七八九]五")
_FIVE_YEAR_PLAN_EN = re.compile(r"\b1([1-9])(?:st|nd|rd|th)\s+five[- ]year\s+plan", re.I)
_CN_DIGIT = "一二三四五六七八九"
_PLACE_NAME = re.compile(r"([\u4e00-\u9fff]{2,4}?)(镇|街道|乡|区)")
_PLAN_WORDS = re.compile(r"计划|打算|将要|准备|目标|预期|力争|安排|今后|明年|下半年|规划|plan|target|will", re.I)
_REVIEW_WORDS = re.compile(r"完成了|引进了|实现了|取得|去年|全年|回顾|过去|已经|成效")
_REVIEW_PART = re.compile(r"回顾|过去|完成情况|总结")
_PLAN_PART = re.compile(r"安排|任务|目标|计划|打算|思路|要求|展望|开局|建议|说明")


@dataclass(frozen=True)
class QueryIntent:
    """What the question says about where and when to look."""

    text: str  # the normalized question
    towns: tuple[str, ...] = ()  # indexed towns the question names (canonical names)
    unknown_places: tuple[str, ...] = ()  # towns/streets named that no indexed report is about
    years: tuple[int, ...] = ()
    halves: tuple[str, ...] = ()  # "H1", "H2"
    plans: tuple[str, ...] = ()  # "十四五", "十五五"
    wants_plan: bool = False


_NOT_PLACES = ("城区", "园区", "社区", "片区", "小区", "地区", "示范区", "样板区", "主城区")


def parse_question(question: str, known_towns: list[str], corpus_text: str = "") -> QueryIntent:
    """Towns, years, half-years and five-year plans named in the question. A place name that neither
    is an indexed town nor occurs anywhere in the indexed reports is `unknown` (the question is about
    somewhere the reports do not cover)."""
    text = normalize_question(question)
    mentioned: dict[str, int] = {}
    for town in known_towns:
        short = re.sub(r"(镇|街道|乡|区)$", "", town)
        if len(short) >= 2 and short in text:
            mentioned[town] = text.index(short)
        elif town in text:
            mentioned[town] = text.index(town)
    towns = sorted(mentioned, key=mentioned.get)  # in order of mention: comparisons put the first side first
    spaced = re.sub(r"[^a-z]", "", text.lower())
    for town in known_towns:
        if town not in towns and any(spelling in spaced for spelling in town_spellings(town)):
            towns.append(town)
    unknown = []
    for match in _PLACE_NAME.finditer(text):
        name = match.group(0)
        core = match.group(1)
        known = any(core in t or t.startswith(core) for t in known_towns) or name in corpus_text
        if not known and not name.endswith(_NOT_PLACES):
            unknown.append(name)
    years = tuple(dict.fromkeys(int(y) for y in _YEAR.findall(text)))  # in order of mention
    halves = {"H1" if h == "上" else "H2" for h in _HALF.findall(text)}
    halves |= {"H1" if (word or "").lower() == "first" or number == "1" else "H2" for word, number in _HALF_EN.findall(text)}
    plans = set(_FIVE_YEAR_PLAN.findall(text))
    plans |= {f"十{_CN_DIGIT[int(d) - 1]}五" for d in _FIVE_YEAR_PLAN_EN.findall(text)}
    return QueryIntent(
        text=text,
        towns=tuple(towns),
        unknown_places=tuple(unknown),
        years=years,
        halves=tuple(sorted(halves)),
        plans=tuple(sorted(plans)),
        wants_plan=bool(_PLAN_WORDS.search(text)) and not _REVIEW_WORDS.search(text),
    )


def is_foreign(text: str) -> bool:
    """A question written mostly in Latin letters (English)."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    return letters > len(text) / 3


def anchored_query(intent: QueryIntent) -> str:
    """The text to embed. A question in English gets the Chinese names of the towns and periods it
    names appended: a small multilingual model matches Chinese passages far better when the query
    carries a few words in their language, and these are exact, not guessed translations."""
    if not is_foreign(intent.text):
        return strip_meta_reference(intent.text)
    anchors = [*intent.towns, *(f"{y}年" for y in intent.years)]
    anchors += ["上半年" if h == "H1" else "下半年" for h in intent.halves]
    anchors += [f"“{p}”规划" for p in intent.plans]
    return f"{intent.text} {' '.join(anchors)}".strip()


@cache
def town_spellings(town: str) -> frozenset[str]:
    """Pinyin spellings of a town's name without its suffix, for English questions ("Miaohang Town").
    Every reading of each character is tried (行 → xing/hang/heng), since place names often use the
    rarer one."""
    core = re.sub(r"(镇|街道|乡|区)$", "", town)
    if not core:
        return frozenset()
    readings = pinyin(core, style=Style.NORMAL, heteronym=True)
    return frozenset("".join(combo) for combo in itertools.product(*readings))


# ---------------------------------------------------------------- periods of a passage


@dataclass(frozen=True)
class PassageTime:
    years: frozenset[int]
    labels: frozenset[str]  # "H1"/"H2", "十四五" …
    is_plan: bool


def passage_time(chunk: Chunk, document: IndexedDocument) -> PassageTime:
    """When a passage speaks of: the years in its top-level part heading, else the report's reviewed
    or planned periods depending on whether the part looks back (回顾) or ahead (安排/任务)."""
    meta = document.metadata
    part = chunk.section_path[0] if chunk.section_path else ""
    first_part = bool(document.sections) and document.sections[0].heading == part
    if _REVIEW_PART.search(part):
        is_plan = False
    elif _PLAN_PART.search(part):
        is_plan = True
    else:
        is_plan = not first_part
    periods = meta.periods_planned if is_plan else meta.periods_reviewed
    years = {int(y) for y in re.findall(r"(20\d{2})\s*年", part)}
    labels = set(_FIVE_YEAR_PLAN.findall(part))
    if not years:
        for period in periods:
            if period.kind != "plan":
                years.update(range(period.start_year, period.end_year + 1))
            labels.add(period.label[-2:] if period.kind == "half" else period.label)
    if "上半年" in part:
        labels.add("H1")
    if "下半年" in part:
        labels.add("H2")
    return PassageTime(frozenset(years), frozenset(labels), is_plan)


def _document_years(meta: Metadata) -> set[int]:
    years = set()
    for period in (*meta.periods_reviewed, *meta.periods_planned):
        years.update(range(period.start_year, period.end_year + 1))
    if meta.date:
        years.add(int(meta.date[:4]))
    return years


# ---------------------------------------------------------------- the retriever


@dataclass
class _Scored:
    dense: np.ndarray  # raw cosine per chunk
    bm25: np.ndarray  # raw BM25 per chunk
    fused: np.ndarray
    query_tokens: list[str] = field(default_factory=list)
    query_vector: np.ndarray | None = None


@dataclass(frozen=True)
class _Relevance:
    """What a question's text scores against every chunk, before steering: shared by the sides of a
    comparison, which differ only in the town or period they steer to."""

    dense: np.ndarray
    bm25: np.ndarray
    query_tokens: list[str]
    query_vector: np.ndarray


class _ChunkTable:
    """Per-chunk facts as arrays, so that filters and steering are a few numpy operations per query
    instead of a Python loop over every chunk: the report each chunk is from, its town, the years and
    period labels it speaks of, whether it is about plans."""

    def __init__(self, chunks: list[Chunk], documents: dict[str, IndexedDocument]) -> None:
        self.sources = list(documents)
        doc_position = {source: i for i, source in enumerate(self.sources)}
        self.towns = sorted({d.metadata.town for d in documents.values() if d.metadata.town})
        town_position = {town: i for i, town in enumerate(self.towns)}
        times = [passage_time(c, documents[c.source]) for c in chunks]
        doc_years = [_document_years(documents[s].metadata) for s in self.sources]
        years = sorted(set().union(*doc_years, *(t.years for t in times)))
        labels = sorted(set().union(*(t.labels for t in times)))
        self.year_column = {year: i for i, year in enumerate(years)}
        self.label_column = {label: i for i, label in enumerate(labels)}

        self.doc_of_chunk = np.array([doc_position[c.source] for c in chunks], dtype=np.int64)
        doc_town = np.array([town_position.get(documents[s].metadata.town, -1) for s in self.sources], dtype=np.int64)
        self.town_of_chunk = doc_town[self.doc_of_chunk] if len(chunks) else np.zeros(0, dtype=np.int64)
        self.doc_years = np.zeros((len(self.sources), len(years)), dtype=bool)
        for row, found in enumerate(doc_years):
            self.doc_years[row, [self.year_column[y] for y in found]] = True
        self.chunk_years = np.zeros((len(chunks), len(years)), dtype=bool)
        self.chunk_labels = np.zeros((len(chunks), len(labels)), dtype=bool)
        for row, time in enumerate(times):
            self.chunk_years[row, [self.year_column[y] for y in time.years]] = True
            self.chunk_labels[row, [self.label_column[label] for label in time.labels]] = True
        self.chunk_doc_years = self.doc_years[self.doc_of_chunk]
        self.is_plan = np.array([t.is_plan for t in times], dtype=bool)
        self.doc_town_names = [documents[s].metadata.town for s in self.sources]

    def allowed(self, *, town: str | None, year: int | None, sources: list[str] | None) -> np.ndarray:
        """Chunks passing the hard filters: reports of `town`, about `year`, among `sources`."""
        docs = np.ones(len(self.sources), dtype=bool)
        if town:
            docs &= [bool(t) and (t.startswith(town) or town.startswith(t)) for t in self.doc_town_names]
        if year:
            column = self.year_column.get(year)
            docs &= self.doc_years[:, column] if column is not None else False
        if sources:
            docs &= np.isin(self.sources, sources)
        return docs[self.doc_of_chunk]

    def town_match(self, towns: tuple[str, ...]) -> np.ndarray:
        wanted = [self.towns.index(t) for t in towns if t in self.towns]
        return np.isin(self.town_of_chunk, wanted).astype(np.float32)

    def time_match(self, intent: QueryIntent) -> np.ndarray:
        """1 for a chunk about a year the question names, 0.5 for one in a report about it; averaged
        with a match on half-years and five-year plans; damped for a look back when plans are asked."""
        n = len(self.doc_of_chunk)
        labels = [self.label_column[x] for x in (*intent.halves, *intent.plans) if x in self.label_column]
        wants_labels = bool(intent.halves or intent.plans)
        if not intent.years and not wants_labels:
            return np.zeros(n, dtype=np.float32)
        score = np.zeros(n, dtype=np.float32)
        if intent.years:
            columns = [self.year_column[y] for y in intent.years if y in self.year_column]
            score = np.where(
                self.chunk_years[:, columns].any(axis=1), 1.0, np.where(self.chunk_doc_years[:, columns].any(axis=1), 0.5, 0.0)
            ).astype(np.float32)
        if wants_labels:
            label_score = self.chunk_labels[:, labels].any(axis=1).astype(np.float32)
            score = (score + label_score) / 2 if intent.years else label_score
        if intent.wants_plan:
            score = score * np.where(self.is_plan, 1.0, 0.6).astype(np.float32)
        return score


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
        if self.embedder.dimension != self.index.dense.d:
            from qa.index import IndexMismatchError

            raise IndexMismatchError(
                f"索引向量维度 {self.index.dense.d} 与模型维度 {self.embedder.dimension} 不符：请运行 `qa build --full`"
            )
        self._documents = self.index.documents
        self._chunks = self.index.chunks
        self._table = _ChunkTable(self._chunks, self._documents)
        self._position = {c.id: i for i, c in enumerate(self._chunks)}
        self._corpus_text = "\n".join(d.text for d in self._documents.values())
        self._vocabulary = frozenset(self.index.bm25.vocab_dict)
        self._document_frequency = np.diff(self.index.bm25.scores["indptr"])
        english_glosses()  # read the dictionary now (~1 s), not during the first English question
        # sentences of each passage, and their normalized text, for highlighting (the index is static)
        self._sentences = [split_sentences(c.text) for c in self._chunks]
        self._normalized_sentences = [[normalize_for_matching(s.text) for s in found] for found in self._sentences]
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._sentence_lock = threading.Lock()

    # -- public

    @property
    def documents(self) -> list[IndexedDocument]:
        return sorted(self._documents.values(), key=lambda d: (d.metadata.date or "", d.source))

    @property
    def towns(self) -> list[str]:
        return list(self._table.towns)

    def parse(self, question: str) -> QueryIntent:
        return parse_question(question, self._table.towns, self._corpus_text)

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
        return self.search_with_intent(question, k, town=town, year=year, sources=sources)[1]

    def search_with_intent(
        self,
        question: str,
        k: int = 5,
        *,
        town: str | None = None,
        year: int | None = None,
        sources: list[str] | None = None,
    ) -> tuple[QueryIntent, list[Hit], _Scored]:
        intent = self.parse(replace_surrogates(question))
        allowed = self._table.allowed(town=town, year=year, sources=sources)
        if not allowed.any():
            relevance = self._relevance(intent)
            empty = _Scored(relevance.dense, relevance.bm25, np.zeros_like(relevance.dense), relevance.query_tokens, relevance.query_vector)
            return intent, [], empty
        relevances: dict[str, _Relevance] = {}
        scored = self._score(intent, allowed, relevances)
        firsts: list[int] = []
        for side in self._comparison_sides(intent):
            best = int(np.argmax(np.where(allowed, self._score(side, allowed, relevances).fused, -np.inf)))
            if best not in firsts:
                firsts.append(best)
        ranked = np.where(allowed, scored.fused, -np.inf)
        wanted = min(k + len(firsts), int(allowed.sum()))
        top = np.argpartition(-ranked, wanted - 1)[:wanted] if wanted else np.zeros(0, dtype=np.int64)
        top = top[np.lexsort((top, -ranked[top]))]  # by score, then position (stable, like a full sort)
        order = firsts + [int(i) for i in top if int(i) not in firsts]
        hits = [self._hit(i, intent, scored) for i in order[:k]]
        return intent, hits, scored

    def context(self, chunk_id: str) -> tuple[IndexedDocument, tuple[str, ...], str, tuple[int, int]]:
        """A passage in its context: the enclosing section one level up from the passage's own (the
        chapter around a lead-sentence item), as (report, that section's path, its text, the passage's
        offsets within that text). Raises KeyError for an unknown id."""
        chunk = self._chunks[self._position[chunk_id]]
        document = self._documents[chunk.source]
        wanted = chunk.section_path[:-1] if len(chunk.section_path) > 1 else chunk.section_path
        enclosing = [s for s in document.sections if s.path == wanted and s.start <= chunk.start and chunk.end <= s.end]
        start, end = (enclosing[0].start, enclosing[0].end) if enclosing else (chunk.start, chunk.end)
        return document, wanted, document.text[start:end], (chunk.start - start, chunk.end - start)

    # -- internals

    def _comparison_sides(self, intent: QueryIntent) -> list[QueryIntent]:
        """The sides of a comparison, in the order the question names them: two years, a year and a
        five-year plan (「2022年…到“十四五”期末…」), or two towns."""
        if len(intent.years) == 2:
            return [QueryIntent(**{**intent.__dict__, "years": (y,)}) for y in intent.years]
        if len(intent.years) == 1 and len(intent.plans) == 1 and not intent.halves:
            year_side = QueryIntent(**{**intent.__dict__, "plans": ()})
            plan_side = QueryIntent(**{**intent.__dict__, "years": ()})
            year_first = intent.text.find(str(intent.years[0])) < intent.text.find(intent.plans[0])
            return [year_side, plan_side] if year_first else [plan_side, year_side]
        if len(intent.towns) == 2:
            return [QueryIntent(**{**intent.__dict__, "towns": (t,)}) for t in intent.towns]
        return []

    def _relevance(self, intent: QueryIntent) -> _Relevance:
        """Dense similarity (over the top candidates; the rest get the lowest candidate's score) and
        BM25 of the question against every chunk."""
        n = len(self._chunks)
        query_vector = self.embedder.encode_queries([anchored_query(intent)])
        values, ids = self.index.dense.search(np.ascontiguousarray(query_vector, dtype=np.float32), min(n, CANDIDATES))
        dense = np.full(n, np.nan, dtype=np.float32)
        valid = ids[0] >= 0
        dense[ids[0][valid]] = values[0][valid]
        floor = float(np.nanmin(dense)) if np.isfinite(dense).any() else 0.0
        dense = np.where(np.isnan(dense), floor, dense)
        query_tokens = self.index.tokenizer.tokenize(strip_meta_reference(intent.text))
        if is_foreign(intent.text):  # BM25 would match nothing of it: add Chinese tokens from a dictionary
            query_tokens += translated_tokens(intent.text, self.index.tokenizer.tokenize, self._vocabulary)
        bm25 = (
            np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)
            if query_tokens
            else np.zeros(n, dtype=np.float32)
        )
        return _Relevance(dense, bm25, query_tokens, query_vector[0])

    def _score(self, intent: QueryIntent, allowed: np.ndarray, relevances: dict[str, _Relevance]) -> _Scored:
        """Fused scores; `relevances` caches the unsteered part by the text embedded, so the sides of
        a comparison (same question, other steering) embed and run BM25 once."""
        key = anchored_query(intent)
        if key not in relevances:
            relevances[key] = self._relevance(intent)
        relevance = relevances[key]
        fused = DENSE_WEIGHT * _minmax(relevance.dense, allowed) + BM25_WEIGHT * _minmax(relevance.bm25, allowed)
        fused += TOWN_WEIGHT * self._table.town_match(intent.towns) + TIME_WEIGHT * self._table.time_match(intent)
        return _Scored(relevance.dense, relevance.bm25, fused, relevance.query_tokens, relevance.query_vector)

    def _hit(self, i: int, intent: QueryIntent, scored: _Scored) -> Hit:
        chunk = self._chunks[i]
        meta = self._documents[chunk.source].metadata
        spans = best_sentences(
            self._sentences[i],
            self._normalized_sentences[i],
            intent.text,
            scored.query_tokens,
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
            score=float(scored.fused[i]),
            dense_score=float(scored.dense[i]),
            bm25_score=float(scored.bm25[i]),
            start=chunk.start,
            end=chunk.end,
            page=chunk.page,
            page_end=chunk.page_end,
        )

    def covers(self, intent: QueryIntent) -> bool:
        """Whether some indexed report of the towns the question names speaks of one of the years it
        names: a year it reviews or plans, the year it was given, or a year its text names (a five-year
        plan's span alone does not count: 「十四五」 in a 2023 report says nothing of 2024). True when the
        question names no town or no year."""
        if not intent.towns or not intent.years:
            return True
        for document in self._documents.values():
            meta = document.metadata
            if meta.town not in intent.towns:
                continue
            spoken = {int(meta.date[:4])} if meta.date else set()
            for period in (*meta.periods_reviewed, *meta.periods_planned):
                if period.kind != "plan":
                    spoken.update(range(period.start_year, period.end_year + 1))
            if any(y in spoken or re.search(rf"{y}\s*年", document.text) for y in intent.years):
                return True
        return False

    def term_idf(self, token: str) -> float:
        """The BM25 idf of a token over the indexed passages (a token the corpus never uses weighs as
        much as the rarest)."""
        column = self.index.bm25.vocab_dict.get(token)
        frequency = 0 if column is None else int(self._document_frequency[column])
        return bm25_idf(frequency, len(self._chunks))

    def sentence_similarities(self, query_vector: np.ndarray, sentences: list[str]) -> np.ndarray:
        """Cosine similarity of a query to each sentence, embedded as passages. Sentence vectors are
        cached (bounded), so follow-up questions about the same passages cost little."""
        with self._sentence_lock:
            missing = [t for t in dict.fromkeys(sentences) if t not in self._sentence_vectors]
        if missing:
            vectors = self.embedder.encode_passages(missing, show_progress=False)
            with self._sentence_lock:
                if len(self._sentence_vectors) + len(missing) > SENTENCE_CACHE_SIZE:
                    self._sentence_vectors.clear()
                self._sentence_vectors.update(zip(missing, vectors, strict=True))
        with self._sentence_lock:
            matrix = np.stack([self._sentence_vectors[t] for t in sentences]) if sentences else np.zeros((0, 1))
        return matrix @ query_vector if sentences else np.zeros(0, dtype=np.float32)


def _minmax(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    pool = values[allowed] if allowed.any() else values
    low, high = float(pool.min()), float(pool.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    return (values - low) / (high - low)


# ---------------------------------------------------------------- module-level API

_retrievers: dict[Path, Retriever] = {}
_retrievers_lock = threading.Lock()


def get_retriever(index_dir: Path | str | None = None) -> Retriever:
    """The process-wide Retriever for an index directory, loaded on first use."""
    settings = Settings.from_env()
    directory = Path(index_dir) if index_dir else settings.index_dir
    with _retrievers_lock:
        if directory not in _retrievers:
            _retrievers[directory] = Retriever(settings, index_dir=directory)
        return _retrievers[directory]


def reload_retriever(index_dir: Path | str | None = None) -> Retriever:
    """Load the index directory's current generation (after a build) into a new Retriever and make it
    the process-wide one, atomically: questions already running keep the Retriever they started with
    (an index is read whole into memory, so the old generation's files may go) and finish on it; the
    next question gets the new one. The embedder is shared, so this costs the index load only."""
    settings = Settings.from_env()
    directory = Path(index_dir) if index_dir else settings.index_dir
    fresh = Retriever(settings, index_dir=directory)
    with _retrievers_lock:
        _retrievers[directory] = fresh
    return fresh


def retrieve(
    question: str,
    k: int = 5,
    *,
    town: str | None = None,
    year: int | None = None,
    index_dir: Path | str | None = None,
) -> list[Hit]:
    """The k passages that best answer `question`, ranked and cited."""
    return get_retriever(index_dir).search(question, k, town=town, year=year)
