"""Fit the fusion (`qa/fusion_model.json`): a linear score over `qa.fusion.FEATURES`, fitted as a ranking
model — a softmax over each question's candidate passages, trained to put the passage that answers
first — on labelled questions from both kinds of text the product indexes: the project's own report
questions (`tests/questions.jsonl`, and the list/definition and count sets) and the CRUD-RAG news
sample (`tests/data/crud/questions.jsonl`). Held-out questions (`"holdout": true`) are left out, and
`tests/data/dev.jsonl` is not fitted on at all: it stays an untouched check. The L2 regularization
is chosen by 5-fold cross-validation over questions (folds drawn within each corpus), on the mean of
the two corpora's hit@1 (the smallest C among equals), so that neither kind of text is traded for the
other.

The fit reads a committed candidate table (`bench/data/fusion_candidates.npz`): per question, the
raw evidence of each candidate passage (dense and BM25 scores, document, length, steering) and
whether it answers (`qa.evaluate.answer_rank`'s rule). `--collect` recomputes it from index/ and the
CRUD index `bench/crud.py` builds (this embeds the questions only).

    .venv/bin/python -m bench.fit_fusion --collect   # recompute the candidate table
    .venv/bin/python -m bench.fit_fusion             # fit, print cross-validated scores, write the model
    .venv/bin/python -m bench.fit_fusion --check     # score the committed model, fit nothing
    .venv/bin/python -m bench.fit_fusion --check --holdout   # … and on the held-out questions
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data"
#: Labelled questions per corpus (holdout lines are collected too, and kept apart by their flag).
TRAINING_FILES = {
    "reports": [PROJECT_ROOT / "tests" / "questions.jsonl", DATA / "lists_definitions.jsonl", DATA / "counts.jsonl"],
    "crud": [DATA / "crud" / "questions.jsonl"],
}
TABLE_FILE = PROJECT_ROOT / "bench" / "data" / "fusion_candidates.npz"
MODEL_FILE = PROJECT_ROOT / "qa" / "fusion_model.json"
#: Candidates kept per question: the best of each store (all passages of a smaller index).
KEPT_PER_STORE = 256
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
FOLDS = 5
#: Constants of the fusion this model replaced (dense 0.7 / BM25 0.3 / town 0.35 / period 0.25).
CONSTANT_WEIGHTS = {"dense": 0.7, "lexical": 0.3, "town": 0.35, "time": 0.25}
#: Dense weights of the constant fusion scored for comparison (BM25 gets the rest).
DENSE_SWEEP = (0.0, 0.2, 0.3, 0.5, 0.7)


@dataclass(frozen=True)
class Table:
    """The candidate table: one row per (question, candidate passage)."""

    question: np.ndarray  # row → question number
    dense: np.ndarray
    lexical: np.ndarray
    document: np.ndarray
    length: np.ndarray
    town: np.ndarray
    time: np.ndarray
    coverage: np.ndarray
    label: np.ndarray  # the passage answers the question
    meta: list[dict]  # per question: id, corpus, holdout, traits, floors


def labelled(files: list[Path]) -> list[dict]:
    rows = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                if raw.get("doc") is not None:
                    rows.append(raw)
    return rows


# ---------------------------------------------------------------- collect


def collect_corpus(retriever: Any, rows: list[dict], corpus: str) -> list[dict]:
    """Per question: its kept candidates' raw evidence and labels, from the product's own retriever."""
    from bench.quality import Passage
    from qa.evaluate import Question, answer_rank

    chunks = retriever.index.chunks
    collected = []
    for row in rows:
        question = Question(row["id"], row["question"], row["doc"], tuple(row.get("evidence") or ()), row.get("type", ""))
        reading = retriever.read(row["question"])
        relevance = retriever.relevance(reading)
        candidates = retriever.candidates(reading, relevance)
        traits = retriever.traits(reading, relevance)
        n = len(chunks)
        if n > 2 * KEPT_PER_STORE:
            kept = np.union1d(
                np.argsort(-candidates.dense, kind="stable")[:KEPT_PER_STORE],
                np.argsort(-candidates.lexical, kind="stable")[:KEPT_PER_STORE],
            )
        else:
            kept = np.arange(n)
        labels = [answer_rank(question, [Passage(chunks[i].source, chunks[i].text, chunks[i].footnotes)]) == 1 for i in kept]
        collected.append({
            "meta": {
                "id": row["id"], "corpus": corpus, "holdout": bool(row.get("holdout")),
                "rare_weight": traits.rare_weight, "names_town": traits.names_town, "names_period": traits.names_period,
                "dense_floor": float(candidates.dense.min()), "lexical_floor": float(candidates.lexical.min()),
            },
            "dense": candidates.dense[kept], "lexical": candidates.lexical[kept],
            "document": candidates.document[kept], "length": candidates.length[kept],
            "town": candidates.town_match[kept], "time": candidates.time_match[kept],
            "coverage": candidates.coverage[kept], "label": np.array(labels, dtype=bool),
        })
    return collected


def collect(crud_index: Path) -> None:
    """Recompute the candidate table from index/ (reports) and the CRUD index, and write it."""
    from qa.search import Retriever
    from qa.settings import Settings

    settings = Settings.from_env()
    collected = collect_corpus(Retriever(settings), labelled(TRAINING_FILES["reports"]), "reports")
    collected += collect_corpus(Retriever(settings, index_dir=crud_index), labelled(TRAINING_FILES["crud"]), "crud")
    write_table(collected)


def write_table(collected: list[dict], path: Path = TABLE_FILE) -> None:
    """The collected candidates as one compressed table (`load_table` reads it back)."""
    columns = ("dense", "lexical", "document", "length", "town", "time", "coverage", "label")
    arrays = {c: np.concatenate([q[c] for q in collected]) for c in columns}
    arrays["question"] = np.concatenate([np.full(len(q["label"]), i) for i, q in enumerate(collected)])
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        meta=np.array(json.dumps([q["meta"] for q in collected], ensure_ascii=False)),
        **{k: (v.astype(np.float32) if v.dtype.kind == "f" else v) for k, v in arrays.items()},
    )
    print(f"wrote {path}: {len(collected)} questions, {len(arrays['label'])} rows")


def load_table(path: Path = TABLE_FILE) -> Table:
    raw = np.load(path)
    return Table(
        question=raw["question"], dense=raw["dense"], lexical=raw["lexical"], document=raw["document"],
        length=raw["length"], town=raw["town"], time=raw["time"], coverage=raw["coverage"], label=raw["label"],
        meta=json.loads(str(raw["meta"])),
    )


# ---------------------------------------------------------------- features and the model


@dataclass(frozen=True)
class Group:
    """One question's candidates: their feature matrix and which of them answer."""

    x: np.ndarray
    positive: np.ndarray
    meta: dict


def groups(table: Table) -> list[Group]:
    """The feature matrix of each question's candidates, computed by the product's own `qa.fusion.features`."""
    from qa.fusion import Candidates, QuestionTraits, features

    out = []
    for number, meta in enumerate(table.meta):
        rows = table.question == number
        candidates = Candidates(
            dense=table.dense[rows], lexical=table.lexical[rows], document=table.document[rows],
            length=table.length[rows], town_match=table.town[rows], time_match=table.time[rows],
            coverage=table.coverage[rows], dense_floor=meta["dense_floor"], lexical_floor=meta["lexical_floor"],
        )
        traits = QuestionTraits(meta["rare_weight"], meta["names_town"], meta["names_period"])
        out.append(Group(features(candidates, np.ones(int(rows.sum()), dtype=bool), traits), table.label[rows], meta))
    return out


def _loss(w: np.ndarray, data: list[Group], c: float) -> tuple[float, np.ndarray]:
    """Softmax ranking loss −Σ log P(an answering passage) + |w|²/(2C), and its gradient."""
    loss, gradient = float(w @ w) / (2 * c), w / c
    for group in data:
        s = group.x @ w
        s -= s.max()
        p = np.exp(s)
        p /= p.sum()
        q = p * group.positive
        mass = q.sum()
        loss -= float(np.log(mass))
        gradient += group.x.T @ (p - q / mass)
    return loss, gradient


def fit_weights(data: list[Group], c: float) -> np.ndarray:
    from scipy.optimize import minimize

    usable = [g for g in data if g.positive.any()]
    start = np.zeros(usable[0].x.shape[1])
    return minimize(_loss, start, args=(usable, c), jac=True, method="L-BFGS-B").x


def rank_of_answer(group: Group, w: np.ndarray) -> int | None:
    """1-based rank of the first answering candidate (ties broken by position, as the search does)."""
    scores = group.x @ w
    order = np.lexsort((np.arange(len(scores)), -scores))
    hits = np.flatnonzero(group.positive[order])
    return int(hits[0]) + 1 if len(hits) else None


def metrics(data: list[Group], w: np.ndarray) -> dict[str, dict[str, float]]:
    """hit@1, hit@5 and MRR@5 per corpus (and the mean of the corpora)."""
    out: dict[str, dict[str, float]] = {}
    for corpus in sorted({g.meta["corpus"] for g in data}):
        ranks = [rank_of_answer(g, w) for g in data if g.meta["corpus"] == corpus]
        out[corpus] = _scores(ranks)
    return out


def _scores(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {
        "n": len(ranks),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@5": sum(1 / r for r in ranks if r is not None and r <= 5) / n,
    }


def _balanced(result: dict[str, dict[str, float]]) -> tuple[float, float]:
    return (
        float(np.mean([m["hit@1"] for m in result.values()])),
        float(np.mean([m["mrr@5"] for m in result.values()])),
    )


def folds(data: list[Group]) -> np.ndarray:
    """A fold number per question, drawn within each corpus (fixed seed)."""
    rng = np.random.default_rng(0)
    assigned = np.zeros(len(data), dtype=int)
    for corpus in sorted({g.meta["corpus"] for g in data}):
        members = np.flatnonzero([g.meta["corpus"] == corpus for g in data])
        assigned[rng.permutation(members)] = np.arange(len(members)) % FOLDS
    return assigned


def cross_validate(data: list[Group], c: float) -> dict[str, dict[str, float]]:
    """Each question scored by a model fitted without its fold."""
    fold = folds(data)
    ranks: dict[str, list[int | None]] = {}
    for k in range(FOLDS):
        w = fit_weights([g for g, f in zip(data, fold, strict=True) if f != k], c)
        for g, f in zip(data, fold, strict=True):
            if f == k:
                ranks.setdefault(g.meta["corpus"], []).append(rank_of_answer(g, w))
    return {corpus: _scores(r) for corpus, r in sorted(ranks.items())}


def constant_vector(weights: dict[str, float]) -> np.ndarray:
    from qa.fusion import FEATURES

    return np.array([weights.get(name, 0.0) for name in FEATURES])


def fit(data: list[Group]) -> dict:
    from qa.fusion import FEATURES

    results = {c: cross_validate(data, c) for c in C_GRID}
    # the best balanced hit@1; among equals, the most regularized C (MRR differences of a question's
    # second rank do not justify a weaker prior)
    best_c = min(C_GRID, key=lambda c: (-_balanced(results[c])[0], c))
    w = fit_weights(data, best_c)
    return {
        "weights": {name: round(float(v), 6) for name, v in zip(FEATURES, w, strict=True)},
        "fitted": {
            "files": {corpus: [str(p.relative_to(PROJECT_ROOT)) for p in files] for corpus, files in TRAINING_FILES.items()},
            "table": str(TABLE_FILE.relative_to(PROJECT_ROOT)),
            "questions": {corpus: sum(g.meta["corpus"] == corpus for g in data) for corpus in TRAINING_FILES},
            "C": best_c,
            "cross_validated": {str(c): r for c, r in results.items()},
            "constant_fusion": {
                str(dense): metrics(data, constant_vector({**CONSTANT_WEIGHTS, "dense": dense, "lexical": 1 - dense}))
                for dense in DENSE_SWEEP
            },
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fit_fusion", description=__doc__.splitlines()[0])
    parser.add_argument("--collect", action="store_true", help="recompute the candidate table (needs the CRUD index)")
    parser.add_argument("--check", action="store_true", help="score the committed model only")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out questions (once, at the end)")
    args = parser.parse_args(argv)
    if args.collect:
        from bench.crud import crud_index

        collect(crud_index().directory)
    every = groups(load_table())
    training = [g for g in every if not g.meta["holdout"]]
    if args.check:
        model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    else:
        model = fit(training)
        for c, result in model["fitted"]["cross_validated"].items():
            print(f"C={c}: " + "; ".join(f"{k} hit@1 {m['hit@1']:.3f} hit@5 {m['hit@5']:.3f} mrr {m['mrr@5']:.3f}" for k, m in result.items()))
        print(f"chosen C={model['fitted']['C']}")
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    w = constant_vector(model["weights"])
    print("training set:", json.dumps(metrics(training, w)))
    print("constant fusion, training set:", json.dumps(metrics(training, constant_vector(CONSTANT_WEIGHTS))))
    if args.holdout:
        held = [g for g in every if g.meta["holdout"]]
        print("held-out set:", json.dumps(metrics(held, w)))
        print("constant fusion, held-out set:", json.dumps(metrics(held, constant_vector(CONSTANT_WEIGHTS))))
    print(json.dumps(model["weights"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
