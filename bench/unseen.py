"""The reports written blind to the method (`tests/fixtures/unseen/`), each built alone and asked its
own questions on the day they were written for (`reports.json`'s `asked_on`, so that 「去年」 is the year
the report reviews).

Each report has 30 questions: 1–18 answerable (with verbatim evidence), 19–25 near misses (the topic is
in the report, the asked fact is not) and 26–30 about periods the report neither reviews nor plans. The
table gives, per report and in total, what issue 14's targets are about: hit@1 and hit@5, the answer
holding the evidence, answerable questions answered, near misses not answered as "answered" and
periods not answered. The indexes are kept under bench/results/tmp/unseen/ and brought up to date on
each run (a report unchanged since the last run is not re-read; `--rebuild` re-reads every one).

    .venv/bin/python -m bench.unseen                       # every report (about 8 minutes on 2 cores)
    .venv/bin/python -m bench.unseen --only hepu_2024,tongwan_2025h1
    .venv/bin/python -m bench.unseen --quick               # the newest four

`--only` and `--quick` put the reports they measure in place of theirs in bench/results/unseen.json and
keep the others' last figures, so the file's total is always over every report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from bench.common import PROJECT_ROOT, RESULTS_DIR, TMP_DIR, log, table, write_result

if TYPE_CHECKING:
    from qa.evaluate import Outcome, Question

UNSEEN = PROJECT_ROOT / "tests" / "fixtures" / "unseen"
#: Question numbers by kind (the rule each fixture's questions were written to).
ANSWERABLE = range(1, 19)
NEAR_MISSES = range(19, 26)
PERIODS = range(26, 31)


@dataclass(frozen=True)
class UnseenReport:
    """A line of `reports.json`: the report's file, what its metadata must read, the day it is asked on."""

    report: str
    town: str
    date: str
    speaker: str
    itself: tuple[str, ...]
    asked_on: str

    @property
    def stem(self) -> str:
        return Path(self.report).stem

    @property
    def questions(self) -> Path:
        return UNSEEN / f"{self.stem}.jsonl"


def unseen_reports() -> list[UnseenReport]:
    rows = json.loads((UNSEEN / "reports.json").read_text(encoding="utf-8"))
    fields = ("report", "town", "date", "speaker", "asked_on")  # a row may say more (a test's floor, and why)
    return [UnseenReport(**{name: row[name] for name in fields}, itself=tuple(row["itself"])) for row in rows]


@contextmanager
def asked_on(day: str) -> Iterator[None]:
    """QA_TODAY set to `day` while the block runs (the retriever reads it when it is built)."""
    before = os.environ.get("QA_TODAY")
    os.environ["QA_TODAY"] = day
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("QA_TODAY", None)
        else:
            os.environ["QA_TODAY"] = before


def unseen_index(report: UnseenReport, *, rebuild: bool = False, root: Path = TMP_DIR / "unseen") -> Path:
    """The report's own index, built alone (its folder holds this report only) or brought up to date."""
    from qa.index import build_index
    from qa.settings import Settings

    folder = root / report.stem
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    source = UNSEEN / report.report
    if not (docs / report.report).is_file() or (docs / report.report).read_bytes() != source.read_bytes():
        shutil.copyfile(source, docs / report.report)
    settings = Settings.from_env().with_overrides(docs_dir=docs, index_dir=folder / "index", upload_dir=folder / "uploads")
    build_index(settings, full=rebuild, progress=False)
    return folder / "index"


def unread(question: Question) -> Outcome:
    """A question about a report the readers refused: nothing retrieved, nothing answered."""
    from qa.evaluate import Outcome

    return Outcome(question.id, question.type, question.question, question.doc, None, False, "not_covered", False, False, None, None, 0.0)


def number(question_id: str) -> int:
    return int(question_id.rsplit("-", 1)[1])


def counts(outcomes: list) -> dict[str, int]:
    """What the table adds up, from `qa.evaluate.Outcome`s."""
    answerable = [o for o in outcomes if number(o.id) in ANSWERABLE]
    near = [o for o in outcomes if number(o.id) in NEAR_MISSES]
    periods = [o for o in outcomes if number(o.id) in PERIODS]
    return {
        "answerable": len(answerable),
        "hit@1": sum(o.rank == 1 for o in answerable),
        "hit@5": sum(o.rank is not None and o.rank <= 5 for o in answerable),
        "evidence": sum(o.answer_has_evidence for o in answerable),
        "answered": sum(o.status == "answered" for o in answerable),
        "near_misses": len(near),
        "near_misses_refused": sum(o.status != "answered" for o in near),
        "periods": len(periods),
        "periods_refused": sum(o.status != "answered" for o in periods),
    }


def row(name: str, c: dict[str, int]) -> list:
    n, m, p = max(c["answerable"], 1), max(c["near_misses"], 1), max(c["periods"], 1)
    return [
        name, c["answerable"], c["hit@1"] / n, c["hit@5"] / n, c["evidence"] / n, c["answered"] / n,
        f"{c['near_misses_refused']}/{c['near_misses']}", c["near_misses_refused"] / m, c["periods_refused"] / p,
    ]


HEADERS = ["report", "answerable", "hit@1", "hit@5", "evidence", "answered", "near misses refused", "rate", "periods refused"]


#: `--quick` asks the newest reports only: the last round written blind.
QUICK_REPORTS = 4


def run(*, quick: bool = False, only: list[str] | None = None, rebuild: bool = False) -> dict:
    from qa.evaluate import load_questions, outcomes_json, run_eval
    from qa.index import BuildError
    from qa.search import release_retriever

    reports = [r for r in unseen_reports() if not only or r.stem in only]
    reports = reports[-QUICK_REPORTS:] if quick else reports
    if only and len(reports) != len(only):
        known = {r.stem for r in unseen_reports()}
        raise SystemExit(f"--only: no such report in {UNSEEN / 'reports.json'}: {', '.join(sorted(set(only) - known))}")
    per_report = {}
    for report in reports:
        with asked_on(report.asked_on):
            try:
                index = unseen_index(report, rebuild=rebuild)
            except BuildError as error:  # a file the readers refuse answers nothing: scored so, not skipped
                log(f"unseen: {report.stem} not read: {error}")
                outcomes = [unread(q) for q in load_questions(report.questions)]
            else:
                outcomes = run_eval(load_questions(report.questions), index_dir=index)
                release_retriever(index)  # one report's index at a time in memory, not all 223
        c = counts(outcomes)
        per_report[report.stem] = {"counts": c, "outcomes": outcomes_json(outcomes)}
        log(f"unseen: {report.stem} {c}")
    return tabulated(per_report)


def tabulated(per_report: dict[str, dict]) -> dict:
    """The result file's body: each report's counts and outcomes, their total and the table."""
    total = dict.fromkeys(counts([]), 0)
    rows = []
    for stem, result in per_report.items():
        total = {k: total[k] + result["counts"][k] for k in total}
        rows.append(row(stem, result["counts"]))
    rows.append(row(f"all {len(per_report)}", total))
    languages = by_language(per_report)
    rows += [row(f"all {len(per_report)}, {language}", c) for language, c in languages.items()]
    markdown = table(HEADERS, rows)
    print(markdown)
    return {"total": total, "languages": languages, "reports": per_report, "markdown": markdown}


def by_language(per_report: dict[str, dict]) -> dict[str, dict[str, int]]:
    """The counts of the Chinese questions and of the English ones (`qa.query.is_foreign`), apart: an
    English question is read through a dictionary (`qa.crosslingual`), and trails a Chinese one."""
    from qa.query import is_foreign

    outcomes = [SimpleNamespace(**o) for result in per_report.values() for o in result["outcomes"]]
    return {
        language: counts([o for o in outcomes if is_foreign(o.question) == (language == "English")])
        for language in ("Chinese", "English")
    }


def merged(measured: dict, previous_path: Path) -> dict:
    """An `--only` run's reports put in place of theirs in the last full result, the rest kept as they
    were measured then, in the order of reports.json: a partial run no longer replaces the file with a
    few reports' figures."""
    if not previous_path.is_file():
        return measured
    reports = json.loads(previous_path.read_text(encoding="utf-8")).get("reports", {})
    reports.update(measured["reports"])
    order = [r.stem for r in unseen_reports()]
    return tabulated({stem: reports[stem] for stem in order if stem in reports})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.unseen", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated report stems (e.g. hepu_2024); default every report")
    parser.add_argument("--quick", action="store_true", help=f"the newest {QUICK_REPORTS} reports only")
    parser.add_argument("--rebuild", action="store_true", help="re-read every report instead of bringing its index up to date")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, only=args.only.split(",") if args.only else None, rebuild=args.rebuild)
    if args.only or args.quick:
        result = merged(result, RESULTS_DIR / "unseen.json")
    write_result("unseen", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
