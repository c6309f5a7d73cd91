"""Fit the answer decision (`qa/answer_model.json`): a logistic model over `qa.answer.question_features`
that says whether the best passages answer a question, fitted on labelled questions the project
carries (answerable ones, and unanswerable near misses whose topic is in the reports), with the
held-out questions (`"holdout": true`) left out. The regularization is chosen by cross-validation, and
the threshold on the model's probability is the highest at which the cross-validated predictions still
answer `MIN_ANSWERED` of the answerable questions: refusing a question the reports answer costs the
user more than a cited near miss, which they can read and judge. Text that is not a work report (news
articles; `qa.answer.text_kind`) gets its own threshold, set the same way on questions over the CRUD
news articles (`tests/data/crud/answerability.jsonl`): there the weights separate answerable questions
from near misses much less, and the reports' threshold refused a third of the answerable ones.

    .venv/bin/python -m bench.fit_answer            # fit, print cross-validated scores, write the model
    .venv/bin/python -m bench.fit_answer --check    # score the committed model, fit nothing
"""

from __future__ import annotations

import argparse
import json
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
#: Cross-validation runs this many shuffles of the questions into five folds and averages them.
CV_REPEATS = 5
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


def feature_table(rows: list[dict], index_dir: Path | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(feature names, X, y) over the questions the model decides (those `read` does not settle)."""
    from qa.answer import read

    names: list[str] = []
    features, labels = [], []
    for row in rows:
        reading = read(row["question"], index_dir=index_dir)
        if reading.settled is not None or not reading.features:
            continue
        names = list(reading.features)
        features.append([reading.features[n] for n in names])
        labels.append(row["doc"] is not None)
    return names, np.array(features), np.array(labels)


def scores(predicted: np.ndarray, y: np.ndarray) -> dict:
    return {
        "answerable_answered": float(predicted[y].mean()) if y.any() else None,
        "unanswerable_not_answered": float((~predicted[~y]).mean()) if (~y).any() else None,
        "accuracy": float((predicted == y).mean()),
    }


def fit(names: list[str], x: np.ndarray, y: np.ndarray) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    results, thresholds = {}, {}
    for c in C_GRID:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000))
        runs, cut = [], []
        for seed in range(CV_REPEATS):  # one shuffle of 65 near misses into folds moves the score by ±0.05
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
            probability = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
            # the highest threshold that still answers MIN_ANSWERED of the answerable questions
            cut.append(float(np.quantile(probability[y], 1 - MIN_ANSWERED)))
            runs.append(scores(probability >= cut[-1], y))
        thresholds[c] = float(np.mean(cut))
        results[c] = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
    best_c = max(C_GRID, key=lambda c: (results[c]["unanswerable_not_answered"], results[c]["answerable_answered"]))
    model = make_pipeline(StandardScaler(), LogisticRegression(C=best_c, class_weight="balanced", max_iter=2000)).fit(x, y)
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
            "questions": len(y),
            "answerable": int(y.sum()),
            "unanswerable": int((~y).sum()),
            "C": best_c,
            "threshold": thresholds[best_c],
            "min_answered": MIN_ANSWERED,
            "cv_repeats": CV_REPEATS,
            "cross_validated": {str(c): r for c, r in results.items()},
        },
    }


def other_text_intercept(model: dict, names: list[str], x: np.ndarray, y: np.ndarray) -> float:
    """The intercept at which the report-fitted weights answer `MIN_ANSWERED` of the answerable
    questions over other text (`x`, `y`). No cross-validation is needed for a single threshold on
    weights fitted elsewhere; the held-out lines check it."""
    w = np.array([model["weights"][n] for n in names])
    z = x @ w + model["intercept"]
    return float(model["intercept"] - np.quantile(z[y], 1 - MIN_ANSWERED))


def apply(model: dict, names: list[str], x: np.ndarray, *, other_text: bool = False) -> np.ndarray:
    w = np.array([model["weights"][n] for n in names])
    return (x @ w + model["intercept_other_text" if other_text else "intercept"]) >= 0.0


def other_text_rows(*, holdout: bool) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The feature table of the questions over other text, read against the news index (built or
    brought up to date first: about 18 minutes on a new machine)."""
    from bench.crud import crud_index

    return feature_table(labelled(OTHER_TEXT_FILES, holdout=holdout), crud_index().directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fit_answer", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="score the committed model only")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out questions (once, at the end)")
    args = parser.parse_args(argv)
    names, x, y = feature_table(labelled(TRAINING_FILES, holdout=False))
    other_names, other_x, other_y = other_text_rows(holdout=False)
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8")) if args.check else fit(names, x, y)
    if not args.check:
        for c, result in model["fitted"]["cross_validated"].items():
            print(f"C={c}: {result}")
        print(f"chosen C={model['fitted']['C']}")
        model["intercept_other_text"] = round(other_text_intercept(model, other_names, other_x, other_y), 6)
        model["fitted"]["other_text"] = {
            "files": [str(p.relative_to(PROJECT_ROOT)) for p in OTHER_TEXT_FILES],
            "questions": len(other_y),
            "answerable": int(other_y.sum()),
            "unanswerable": int((~other_y).sum()),
            "at_the_reports_threshold": scores(apply(model, other_names, other_x), other_y),
            "at_its_own_threshold": scores(apply(model, other_names, other_x, other_text=True), other_y),
        }
        MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("training set:", scores(apply(model, names, x), y))
    print("other text:", scores(apply(model, other_names, other_x, other_text=True), other_y), f"({len(other_y)} questions)")
    if args.holdout:
        hn, hx, hy = feature_table(labelled(TRAINING_FILES, holdout=True))
        print("held-out set:", scores(apply(model, hn, hx), hy), f"({len(hy)} questions)")
        on, ox, oy = other_text_rows(holdout=True)
        print("held-out other text:", scores(apply(model, on, ox, other_text=True), oy), f"({len(oy)} questions)")
    print(json.dumps(model["weights"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
