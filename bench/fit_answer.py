"""Fit the answer decision (`qa/answer_model.json`): a logistic model over `qa.answer.question_features`
that says whether the best passages answer a question, fitted on labelled questions the project
carries: the seed sets over the five reports (answerable ones, and unanswerable near misses whose topic
is in the reports; held-out lines, `"holdout": true`, left out) and the questions of the reports written
blind (`bench.unseen`: 18 answerable questions and 7 near misses each, every report built alone and
asked on its day). The unseen reports are fitted on once their round has been measured blind (README,
"Retrieval"): from then on their `bench.unseen` scores are scores on the training data, and what this
fit prints cross-validated is the estimate for a report never seen.

Cross-validation deals the reports into folds (a report's questions are decided by a model fitted
without any of them; the seed sets count as one report), and chooses the regularization. The two kinds
of set weigh the same in the fit, and the threshold on the model's probability is the highest at which
the cross-validated decision still answers `MIN_ANSWERED` of the answerable questions of each: refusing
a question the reports answer costs the user more than a cited near miss, which they can read and judge.
Text that is not a work report (news articles; `qa.answer.text_kind`) gets its own threshold, set the
same way on questions over the CRUD news articles (`tests/data/crud/answerability.jsonl`): there the
weights separate answerable questions from near misses much less, and the reports' threshold refused a
third of the answerable ones.

    .venv/bin/python -m bench.fit_answer            # fit, print cross-validated scores, write the model
    .venv/bin/python -m bench.fit_answer --check    # score the committed model, fit nothing
    .venv/bin/python -m bench.fit_answer --english  # fit the English weights alone (`fit_english`)
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data"
#: The labelled sets the model is fitted on (holdout lines excluded).
TRAINING_FILES = [
    PROJECT_ROOT / "tests" / "questions.jsonl",
    DATA / "dev.jsonl",
    DATA / "nearmiss_shared.jsonl",
    DATA / "nearmiss.jsonl",
    DATA / "lists_definitions.jsonl",
    DATA / "counts.jsonl",
    DATA / "when_where.jsonl",
]
#: Questions over other text (news articles; `bench/crud.py` indexes them), answerable ones and near
#: misses: the threshold for text that is not a work report is set on them (`qa.answer.text_kind`).
OTHER_TEXT_FILES = [DATA / "crud" / "answerability.jsonl"]
MODEL_FILE = PROJECT_ROOT / "qa" / "answer_model.json"
#: Passages whose best coverage of the subject reaches this speak of it: an unanswered question
#: about them gets "partial" (what they say, and what they do not give), otherwise "not_covered".
PARTIAL_COVERAGE = 0.5
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
#: Cross-validation deals the reports into this many folds, this many times, and averages the scores.
FOLDS = 10
CV_REPEATS = 5
#: The group of the seed sets' questions: asked of the five reports together, they share one fold.
SEEDS = "seeds"
MIN_ANSWERED = 0.97


def labelled(files: list[Path], *, holdout: bool) -> list[dict]:
    rows = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                if bool(raw.get("holdout")) == holdout:
                    rows.append({**raw, "file": path.name})
    return rows


@dataclass(frozen=True)
class FeatureTable:
    """The questions the model decides (those `read` does not settle): their features, whether they are
    answerable, the report they are asked of (the group cross-validation keeps together), and what the
    decision weighs besides the model (`qa.answer.decide`): whether a sentence gives the asked kind of
    span, and whether one surely answers."""

    names: list[str]
    x: np.ndarray
    y: np.ndarray
    groups: np.ndarray
    kind_given: np.ndarray
    sure: np.ndarray

    def __add__(self, other: FeatureTable) -> FeatureTable:
        if not len(self.y):
            return other
        return FeatureTable(
            self.names, *(np.concatenate([a, b]) for a, b in zip(self.arrays(), other.arrays(), strict=True))
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        return self.x, self.y, self.groups, self.kind_given, self.sure


EMPTY = FeatureTable([], np.zeros((0, 0)), np.zeros(0, bool), np.zeros(0, str), np.zeros(0, bool), np.zeros(0, bool))


def feature_table(rows: list[dict], index_dir: Path | None = None, group: str = SEEDS) -> FeatureTable:
    """The `FeatureTable` of `rows` (`answerable`: their label), asked of the index at `index_dir`."""
    from qa.answer import gives_asked_kind, read, surely_answered

    names: list[str] = []
    features, labels, kind_given, sure = [], [], [], []
    for row in rows:
        reading = read(row["question"], index_dir=index_dir)
        if reading.settled is not None or not reading.features:
            continue
        names = list(reading.features)
        features.append([reading.features[n] for n in names])
        labels.append(row["answerable"])
        kind_given.append(gives_asked_kind(reading))
        sure.append(surely_answered(reading))
    n = len(labels)
    return FeatureTable(names, np.array(features).reshape(n, len(names)), np.array(labels, bool), np.full(n, group),
                        np.array(kind_given, bool), np.array(sure, bool))


def seed_table(*, holdout: bool) -> FeatureTable:
    """The labelled sets over the five reports, asked of the default index."""
    rows = [{**row, "answerable": row["doc"] is not None} for row in labelled(TRAINING_FILES, holdout=holdout)]
    return feature_table(rows)


def unseen_table() -> FeatureTable:
    """The questions of the reports written blind (`bench.unseen`), each report built alone and asked on
    its day: its answerable questions and its near misses (and any question on a period it does not cover
    that the coverage check leaves to the model)."""
    from bench.unseen import ANSWERABLE, asked_on, number, unseen_index, unseen_reports

    table = EMPTY
    for report in unseen_reports():
        lines = report.questions.read_text(encoding="utf-8").splitlines()
        rows = [{**raw, "answerable": number(raw["id"]) in ANSWERABLE} for raw in map(json.loads, filter(str.strip, lines))]
        with asked_on(report.asked_on):
            table = table + feature_table(rows, unseen_index(report), group=report.stem)
    return table


def answered(table: FeatureTable, probability: np.ndarray, threshold: float) -> np.ndarray:
    """What `qa.answer.decide` answers: the model says so and a sentence gives the asked kind of span, or
    a sentence surely answers."""
    return ((probability >= threshold) & table.kind_given) | table.sure


def threshold_for(table: FeatureTable, probability: np.ndarray) -> float:
    """The highest threshold at which the decision still answers `MIN_ANSWERED` of the answerable
    questions of each kind of set (the seed sets', the unseen reports'): the lower of the two."""
    cuts = []
    for kind in (table.groups == SEEDS, table.groups != SEEDS):
        y = table.y & kind
        if not y.any():
            continue
        needed = int(np.ceil(MIN_ANSWERED * y.sum())) - int(table.sure[y].sum())
        eligible = np.sort(probability[y & table.kind_given & ~table.sure])[::-1]
        cuts.append(1.0 if needed <= 0 else float(eligible[min(needed, len(eligible)) - 1]))
    return min(cuts)


def sample_weights(table: FeatureTable) -> np.ndarray:
    """Weights under which the seed sets' questions, together, weigh as much as the unseen reports'
    (all ones when only one kind is there). The seed sets ask about the five reports the product ships
    with, the unseen reports about ninety others of every layout, with six times as many questions."""
    seeds = table.groups == SEEDS
    if not seeds.any() or seeds.all():
        return np.ones(len(table.y))
    return np.where(seeds, (~seeds).sum() / seeds.sum(), 1.0)


def scores(predicted: np.ndarray, y: np.ndarray) -> dict:
    return {
        "answerable_answered": float(predicted[y].mean()) if y.any() else None,
        "unanswerable_not_answered": float((~predicted[~y]).mean()) if (~y).any() else None,
        "accuracy": float((predicted == y).mean()),
    }


def grouped_folds(groups: np.ndarray, seed: int) -> np.ndarray:
    """Each question's fold: the reports shuffled and dealt into `FOLDS` folds, so that a report's
    questions are decided by a model fitted without any of them (the five reports of the seed sets
    count as one)."""
    order = np.random.default_rng(seed).permutation(np.unique(groups))
    fold_of = {group: i % FOLDS for i, group in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def make_model(c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000))


def out_of_fold(table: FeatureTable, c: float, seed: int) -> np.ndarray:
    folds = grouped_folds(table.groups, seed)
    probability = np.zeros(len(table.y))
    for fold in range(FOLDS):
        held = folds == fold
        model = make_model(c).fit(table.x[~held], table.y[~held], logisticregression__sample_weight=sample_weights(table)[~held])
        probability[held] = model.predict_proba(table.x[held])[:, 1]
    return probability


def fit(table: FeatureTable) -> dict:
    names, x, y = table.names, table.x, table.y
    seeds = table.groups == SEEDS
    results, thresholds = {}, {}
    for c in C_GRID:
        runs, cut = [], []
        for seed in range(CV_REPEATS):  # one dealing of the reports into folds moves the scores by about ±0.01
            probability = out_of_fold(table, c, seed)
            cut.append(threshold_for(table, probability))
            decided = answered(table, probability, cut[-1])
            runs.append({
                **scores(decided, y),
                **{f"seed_sets_{k}": v for k, v in scores(decided[seeds], y[seeds]).items()},
                **{f"unseen_{k}": v for k, v in scores(decided[~seeds], y[~seeds]).items()},
            })
        thresholds[c] = float(np.mean(cut))
        results[c] = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
    best_c = max(C_GRID, key=lambda c: (results[c]["unanswerable_not_answered"], results[c]["answerable_answered"]))
    model = make_model(best_c).fit(x, y, logisticregression__sample_weight=sample_weights(table))
    scaler, logistic = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    # fold the standardization into the weights: z = b + Σ w_i · x_i on raw features
    weights = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_))
    intercept -= float(np.log(thresholds[best_c] / (1 - thresholds[best_c])))  # the threshold becomes 0.5
    return {
        "weights": {n: round(float(w), 6) for n, w in zip(names, weights, strict=True)},
        "intercept": round(intercept, 6),
        "partial_coverage": PARTIAL_COVERAGE,
        "fitted": {
            "files": [str(p.relative_to(PROJECT_ROOT)) for p in TRAINING_FILES],
            "unseen_reports": len(np.unique(table.groups[~seeds])),
            "questions": len(y),
            "answerable": int(y.sum()),
            "unanswerable": int((~y).sum()),
            "C": best_c,
            "threshold": thresholds[best_c],
            "min_answered": MIN_ANSWERED,
            "folds": FOLDS,
            "cv_repeats": CV_REPEATS,
            "cross_validated": {str(c): r for c, r in results.items()},
        },
    }


def probability(model: dict, table: FeatureTable, *, other_text: bool = False) -> np.ndarray:
    """The model's probability that the passages answer, per question of `table` (0.5: its threshold): an
    English question on the reports by the English weights, when the model has them (`fit_english`)."""
    w = np.array([model["weights"][n] for n in table.names])
    z = table.x @ w + model["intercept_other_text" if other_text else "intercept"]
    if "english" in model and not other_text:
        english = model["english"]
        w_english = np.array([english["weights"].get(n, 0.0) for n in table.names])
        z = np.where(english_rows(table), table.x @ w_english + english["intercept"], z)
    return 1.0 / (1.0 + np.exp(-z))


def english_rows(table: FeatureTable) -> np.ndarray:
    """The English questions of `table` (`qa.answer.question_features`' "foreign")."""
    return table.x[:, table.names.index("foreign")] == 1.0 if len(table.y) else np.zeros(0, bool)


def subset(table: FeatureTable, rows: np.ndarray) -> FeatureTable:
    return FeatureTable(table.names, *(a[rows] for a in table.arrays()))


def fit_english(table: FeatureTable, model: dict) -> dict:
    """Weights of their own for English questions on the reports, fitted on the English questions of
    `table` alone, the shared weights of `model` left as they are.

    Why: an English question's subject is its words' dictionary glosses (`qa.crosslingual`), so the
    coverage features mean less for it than for a Chinese question, and the shared weights, fitted on
    questions eight in nine of which are Chinese, refused only 35 of the 84 English near misses of the
    reports written blind. The threshold keeps what the shared weights do for the English questions: the
    highest at which as many answerable ones of each kind of set are answered; the regularization is
    chosen by cross-validation over the reports, as `fit` does. No sample weights: the seed sets hold
    few English questions, and weighing them as much as the unseen reports' would fit on a few dozen."""
    english = subset(table, english_rows(table))
    kept = answered(english, probability(model, english), 0.5) & english.y
    names = [n for n in english.names if n != "foreign"]  # 1 for every English question
    x = english.x[:, [english.names.index(n) for n in names]]
    seeds = english.groups == SEEDS

    def threshold(probability: np.ndarray) -> float:
        cuts = []
        for kind in (seeds, ~seeds):
            y = english.y & kind
            needed = int(kept[kind].sum()) - int(english.sure[y].sum())
            eligible = np.sort(probability[y & english.kind_given & ~english.sure])[::-1]
            if needed > 0 and len(eligible):
                cuts.append(float(eligible[min(needed, len(eligible)) - 1]))
        return min(cuts, default=0.5)

    results, thresholds = {}, {}
    for c in C_GRID:
        runs, cut = [], []
        for seed in range(CV_REPEATS):
            folds = grouped_folds(english.groups, seed)
            probability_cv = np.zeros(len(english.y))
            for fold in range(FOLDS):
                held = folds == fold
                probability_cv[held] = make_model(c).fit(x[~held], english.y[~held]).predict_proba(x[held])[:, 1]
            cut.append(threshold(probability_cv))
            runs.append(scores(answered(english, probability_cv, cut[-1]), english.y))
        thresholds[c] = float(np.mean(cut))
        results[c] = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
    best_c = max(C_GRID, key=lambda c: (results[c]["unanswerable_not_answered"], results[c]["answerable_answered"]))
    fitted = make_model(best_c).fit(x, english.y)
    cut = threshold(fitted.predict_proba(x)[:, 1])
    scaler, logistic = fitted.named_steps["standardscaler"], fitted.named_steps["logisticregression"]
    weights = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_))
    intercept -= float(np.log(cut / (1 - cut)))
    return {
        "weights": {n: round(float(w), 6) for n, w in zip(names, weights, strict=True)},
        "intercept": round(intercept, 6),
        "fitted": {
            "questions": len(english.y),
            "answerable": int(english.y.sum()),
            "unanswerable": int((~english.y).sum()),
            "answered_by_the_shared_weights": int(kept.sum()),
            "C": best_c,
            "threshold": cut,
            "cross_validated": {str(c): r for c, r in results.items()},
        },
    }


def other_text_intercept(model: dict, table: FeatureTable) -> float:
    """The intercept at which the report-fitted weights answer `MIN_ANSWERED` of the answerable
    questions over other text. No cross-validation is needed for a single threshold on weights fitted
    elsewhere; the held-out lines check it."""
    cut = min(max(threshold_for(table, probability(model, table)), 1e-9), 1 - 1e-9)
    return float(model["intercept"] - np.log(cut / (1 - cut)))


def decided(model: dict, table: FeatureTable, *, other_text: bool = False) -> dict:
    return scores(answered(table, probability(model, table, other_text=other_text), 0.5), table.y)


def other_text_table(*, holdout: bool) -> FeatureTable:
    """The questions over other text, read against the news index (built or brought up to date first:
    about 18 minutes on a new machine)."""
    from bench.crud import crud_index

    rows = [{**row, "answerable": row["doc"] is not None} for row in labelled(OTHER_TEXT_FILES, holdout=holdout)]
    return feature_table(rows, crud_index().directory, group="crud")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fit_answer", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="score the committed model only")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out questions (once, at the end)")
    parser.add_argument("--english", action="store_true", help="fit the English weights alone, the shared ones kept")
    args = parser.parse_args(argv)
    seeds, unseen = seed_table(holdout=False), unseen_table()
    table = seeds + unseen
    if args.english:
        model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        shared = {key: value for key, value in model.items() if key != "english"}
        model["english"] = fit_english(table, shared)
        for c, result in model["english"]["fitted"]["cross_validated"].items():
            print(f"English, C={c}: {json.dumps({k: round(v, 4) for k, v in result.items()})}")
        print("English questions, shared weights:", decided(shared, subset(table, english_rows(table))))
        print("English questions, their own:", decided(model, subset(table, english_rows(table))))
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("seed sets (fitted on):", decided(model, seeds))
        print("unseen reports (fitted on):", decided(model, unseen))
        return 0
    other = other_text_table(holdout=False)
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8")) if args.check else fit(table)
    if not args.check:
        for c, result in model["fitted"]["cross_validated"].items():
            print(f"C={c}: {json.dumps({k: round(v, 4) for k, v in result.items()})}")
        print(f"chosen C={model['fitted']['C']}")
        model["intercept_other_text"] = round(other_text_intercept(model, other), 6)
        model["fitted"]["other_text"] = {
            "files": [str(p.relative_to(PROJECT_ROOT)) for p in OTHER_TEXT_FILES],
            "questions": len(other.y),
            "answerable": int(other.y.sum()),
            "unanswerable": int((~other.y).sum()),
            "at_the_reports_threshold": decided(model, other),
            "at_its_own_threshold": decided(model, other, other_text=True),
        }
        model["english"] = fit_english(table, model)
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("seed sets (fitted on):", decided(model, seeds))
    print("unseen reports (fitted on):", decided(model, unseen))
    print("other text:", decided(model, other, other_text=True), f"({len(other.y)} questions)")
    if args.holdout:
        held = seed_table(holdout=True)
        print("held-out set:", decided(model, held), f"({len(held.y)} questions)")
        held_other = other_text_table(holdout=True)
        print("held-out other text:", decided(model, held_other, other_text=True), f"({len(held_other.y)} questions)")
    print(json.dumps(model["weights"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
