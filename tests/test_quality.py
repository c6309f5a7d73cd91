"""Retrieval quality on the committed index with the real model: the shared dev set and the project's own
question set, scored by the rule in tests/data/README.md. These are the product's quality bars; the
README "Retrieval" section reports the current figures (`qa eval FILE`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.evaluate import load_questions, run_eval, summarize
from tests.conftest import COVERAGE_SET, DEV_SET, NEARMISS_MORE_SET, NEARMISS_SET, OWN_SET

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dev() -> dict:
    return summarize(run_eval(load_questions(DEV_SET)))


@pytest.fixture(scope="module")
def own() -> dict:
    return summarize(run_eval(load_questions(OWN_SET)))


def test_dev_set_quality(dev: dict) -> None:
    overall = dev["overall"]
    assert overall["hit@5"] >= 0.95 and overall["hit@1"] >= 0.80
    assert overall["abstention_right"] == 1.0, "both unanswerable dev questions must be abstained"
    assert overall["false_abstention"] <= 0.05
    assert overall["answer_has_evidence"] >= 0.70
    for kind, metrics in dev["by_type"].items():
        if metrics.get("answerable"):
            assert metrics["hit@5"] >= 0.75, kind


def test_own_set_is_a_real_test() -> None:
    questions = load_questions(OWN_SET)
    assert len(questions) >= 100
    # paraphrase-type questions alone; numeric, plan and other types are paraphrased too
    assert sum(q.type == "paraphrase" for q in questions) >= 0.3 * len(questions)
    assert sum(q.doc is None for q in questions) >= 8
    assert {q.doc for q in questions if q.doc} == {p.name for p in (OWN_SET.parent.parent / "seeds").glob("*.txt")}


def test_own_set_quality(own: dict) -> None:
    """Bars a little below the measured figures: a drop here is a regression to look at."""
    overall = own["overall"]
    assert overall["hit@5"] >= 0.90 and overall["hit@1"] >= 0.75
    assert overall["false_abstention"] <= 0.08
    # measured 0.67 (0.47 before the clause features): the 15 "statistic never given" questions of
    # this set are the weak spot of the fitted decision (README "Retrieval")
    assert overall["abstention_right"] >= 0.50
    assert overall["answer_has_evidence"] >= 0.85  # measured 0.92 (footnote questions 0.85)


def test_near_misses_are_not_answered_as_answered() -> None:
    """The topic is in the reports, the fact is not: measured 0.48 not "answered" (0.02 before the
    answer types and the fitted decision, 0.38 before the clause features)."""
    summary = summarize(run_eval(load_questions(NEARMISS_SET)))
    assert summary["overall"]["abstention_right"] >= 0.45


def test_near_misses_never_fitted_on_are_not_answered_as_answered() -> None:
    """60 near misses written blind to the method after the decision was fitted: measured 0.50 not
    "answered" (0.79 of the figures never given, 0.10 of the questions whose passage gives a
    neighbouring figure)."""
    summary = summarize(run_eval(load_questions(NEARMISS_MORE_SET)))
    assert summary["overall"]["abstention_right"] >= 0.45


def test_questions_outside_the_reports_coverage_are_not_answered() -> None:
    """A town and a year none of its reports speaks of, or a place no report mentions: measured 40 / 40
    (the issue's bar is 0.95)."""
    summary = summarize(run_eval(load_questions(COVERAGE_SET)))
    assert summary["overall"]["abstention_right"] >= 0.95


def test_answerable_questions_over_news_articles_are_answered(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Text that is not a work report gets its own answer threshold (README "Retrieval"): over 40 of the
    news articles whose questions were held out when it was set, indexed with the real model, the
    answerable questions are answered (measured 0.99 on the held-out quarter over all 3,000 articles;
    0.70 with the reports' threshold) and found (hit@5)."""
    import gzip
    import json
    from itertools import islice

    from qa.evaluate import Question
    from qa.index import build_index
    from qa.settings import Settings

    crud = DEV_SET.parent / "crud"
    rows = [json.loads(line) for line in (crud / "answerability.jsonl").read_text(encoding="utf-8").splitlines()]
    held = [r for r in rows if r.get("holdout") and r["doc"]]
    articles = set(islice(dict.fromkeys(r["doc"] for r in held), 40))
    root = tmp_path_factory.mktemp("news")
    (root / "docs").mkdir()
    with gzip.open(crud / "docs.jsonl.gz", "rt", encoding="utf-8") as lines:
        for raw in map(json.loads, lines):
            if raw["name"] in articles:
                (root / "docs" / raw["name"]).write_text(raw["text"], encoding="utf-8")
    settings = Settings.from_env().with_overrides(docs_dir=root / "docs", index_dir=root / "index", upload_dir=root / "uploads")
    build_index(settings, progress=False)
    questions = [Question(r["id"], r["question"], r["doc"], tuple(r["evidence"]), r["type"]) for r in held if r["doc"] in articles]
    overall = summarize(run_eval(questions, index_dir=root / "index"))["overall"]
    assert len(questions) >= 35
    assert overall["hit@5"] >= 0.90
    assert overall["false_abstention"] <= 0.08


#: The unseen reports (`tests/fixtures/unseen/reports.json`): each with its place, date and speaker as
#: the report gives them, the ids of the questions asking who gave it, and the day its questions are
#: asked on.
UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
UNSEEN_REPORTS = json.loads((UNSEEN / "reports.json").read_text(encoding="utf-8"))
#: The ids of each fixture's questions about periods its report does not cover.
UNCOVERED = range(26, 31)


#: A report a reading is known to miss carries why (`open_gap`): its test is expected to fail, strictly, so
#: that the day it passes the mark must go.
UNSEEN_CASES = [
    pytest.param(row, marks=pytest.mark.xfail(strict=True, reason=row["open_gap"])) if row.get("open_gap") else row
    for row in UNSEEN_REPORTS
]


@pytest.mark.parametrize("unseen", UNSEEN_CASES, ids=[row["report"] for row in UNSEEN_REPORTS])
def test_a_report_in_a_layout_never_seen_is_read_and_answered(
    unseen: dict, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tests/fixtures/unseen/`: fictional reports written by helpers blind to the method, of places the
    seeds do not cover and laid out unlike them, each with 30 questions written with it (18 answerable,
    7 near misses, 5 about periods it does not cover). Session 17: a town (罗泾镇: a dateline in Chinese
    numerals in brackets, 「1.」 items, 「注1：」 notes), a subdistrict (友谊路街道: 「第一部分」 parts, 「一是」
    items, 「[1]」 notes, a meeting of 「社区代表」) and a district in Markdown (嘉定区: dated to the month
    only, bold lead sentences, `[^1]` footnotes). Session 18, in other formats: a town in Word (杨行镇:
    heading styles, a table of indicators with units in the labels), a subdistrict's report as a
    district portal publishes it (张庙街道: navigation, an info line with the publishing date, part
    headings in <strong>, a table with a unit column, <sup> notes, related links, footer) and a town in a
    PDF made with reportlab (淞南镇: running header, 「— 3 —」 page numbers, page-foot notes whose number
    is set above their text); then a town's report on a portal page with tables of merged cells (顾村镇: a
    two-row header, a status spanning two projects, 「（注1）」 and an unnumbered 「注：」) and a scanned town
    report (罗店镇: six pages of images, read by OCR). Session 19: a county outside Shanghai (云溪县: years in
    Chinese numerals, 「前三季度」, full-width figures, terms marked 「①」 and explained under 「名词解释」), a
    subdistrict's report as a WeChat article (观澜街道: spans splitting sentences, an editor's note, captions, a
    「数说2024」 card, 「注3：」 notes under their paragraphs and cited nowhere, the account's footer) and a
    township's PDF with a cover, a table of contents with dot leaders and hard-wrapped lines (白石乡). Session 20:
    two town reports as Microsoft Word saves a web page (泖溪镇, 澄浦镇: GBK bytes declared gb2312, spans
    splitting words, Word's footnotes), two subdistricts' half-year reviews given as speeches at a working
    meeting (鹭洲街道, 澄湾街道: 1—6月 figures, the plan for 下半年, a GBK Notepad file, 「附注：」 with ①) and two
    districts' reports in Word with automatic heading numbers, Word footnotes and a table grouped by merged
    rows (泽川区, 榆湾区); then a town's report copied out of a PDF into a text file (鹤林镇: lines wrapped
    inside words and numbers, running headers, page numbers and page-foot notes left in), a subdistrict's
    report in Word laid out in tables (汀桥街道: the title block in a box, the whole body in one cell with the
    table of indicators inside it) and a county's report in traditional script asked in simplified (檀溪縣);
    then a village's report at its 村民代表会议 with a table laid out with spaces (青石湾村) and a city's PDF
    whose questions name its districts and counties (溱川市). Session 21: a town's report in Word with
    tracked changes not accepted and reviewers' comments (蓼洲镇), a development zone's report to its
    working meeting in a UTF-16 Notepad file (梧港经济开发区), a district's portal page with annexes (a table
    of the year's 民生实事, terms marked 「*」; 苇塘区), an old portal page in GB18030 with the report in one
    table cell, lines parted by <br> and 「注①」 notes (杉浦镇), a township writing its figures in Chinese words
    (岚水乡: 「百分之七十六点三」「十四点六公里」), a subdistrict asked mostly in English (桐林街道) and a
    district's Word file with no heading styles, its headings bold runs (琅溪区). Session 22: a town's plain
    text with 「名词解释」 (柘塘镇), a subdistrict's portal page whose notes are a list at the end citing no
    term (菱溪街道), a township's Word file with real footnotes and a table of 民生实事 (槎浦乡) and a county's
    Markdown with a bullet list of targets and a pipe table (沅湖县); then a town's PDF whose speaker line
    and address come out as one line (黛溪镇), a subdistrict's half-year review at its working meeting in a
    GBK Notepad file (棠浦街道: 「同志们：」, 「推进会」) and a village's Word file with bold runs for headings
    (竹岙村). Session 23: a town's Word file with a 「名词解释」 part (蒲阳镇), a subdistrict's portal page with bold headings run into
    their paragraphs (汀兰街道), a township's text copied out of a PDF with page numbers inside paragraphs and
    notes wrapped over lines (石埭乡), a county's PDF with a cover and a table of targets (澜江县), a town's
    Markdown with footnotes (青枫镇) and a town's half-year review in Word with bold-run headings (茗山镇). Session 24: a
    town's text pasted from a portal with full-width indents and a numbered list of 民生实事 (岫云镇), a
    subdistrict's portal page with <sup> notes and a table of indicators (汐川街道), a township's Word file
    with no heading styles and a table of key projects (桂岭乡) and a district's PDF whose table of
    indicators breaks across a page, its header repeated, with notes marked ① at the page foot (东湍区);
    then a village's report to its 村民代表会议 in Word with a table of its finances (梅坞村), a county's
    Markdown with a pipe table, a bullet list and footnotes (鹿溪县), a town's half-year review in a GBK text
    file with CRLF lines and a table laid out with spaces (槐塘镇) and a district's PDF with a cover and a
    table of 民生实事 whose cells wrap (北崖区). Session 25: a coastal town's plain text with 「1.」 items and
    「名词解释：」 (芦汀镇), a subdistrict's portal page with <span> fragments and a table of targets (杏坪街道), a
    county's Word file with heading styles, a table of indicators and notes marked ① (雁岭县) and a township's
    PDF whose paragraphs break across pages mid-sentence, with a running header and notes at the end (棣川乡);
    then an island town's Markdown with a pipe table and footnotes (松屿镇), a subdistrict's WeChat article
    with spans splitting numbers and notes under their paragraphs (樵门街道), a township's Word file with
    bold-run headings run into their paragraphs (枫河乡) and a county's PDF with a cover, a table of contents
    and a drawn table of indicators (莲华县). Session 26: a town's plain text with full-width figures, review
    and plan side by side in one paragraph and 「附件：名词解释」 (鹤浦镇), a subdistrict's half-year review in Word
    with list-numbered items and a table of indicators against their yearly targets (桐湾街道), a county's portal
    page with a table of the year's targets (槐川县) and a township's PDF with notes marked ① at the foot of
    the page where each term is used (青杉乡); then a town's plain text with 「第一部分」 parts, 「一是…」 runs, a
    table laid out with spaces and 「[1]」 notes (梅川镇), a subdistrict's portal page whose report is a front
    matter and one <div> per part, with <sup> notes linked to a list (枫桥街道), a county's Word file with a table
    of 民生实事 and bold terms in 「名词解释」 (岩田县) and a township's half-year review in a PDF with a running
    header and a drawn table of indicators (石浦乡). Session 27: a town's plain text with 「指标｜完成｜增长」 lines
    and notes in line, 「【注：…】」 (柘溪镇), a subdistrict's half-year review in Word with a two-row table header
    and 「名词解释」 (云湖街道), a county's portal page with <sup>[n]</sup> notes written as paragraphs and a table
    of targets (青崖县) and a township's PDF with a running header and a drawn table of 民生实事 (松溪乡). Session 28:
    a town's Word file with bold-run headings and a table of indicators with a unit column (霁川镇), a
    subdistrict's portal page with spans cut mid-number and an annex table of 民生实事 (砚湖街道), a township's
    PDF with a cover, a drawn table of key projects and endnotes (黛山乡) and a county's plain text with a
    byte-order mark, CRLF lines, full-width figures and notes in line, 「（注：…）」 (泓川县); then a town's Markdown
    as a CMS exports it, with front matter, bullet lists, a pipe table and footnotes (岚桥镇), a subdistrict's
    half-year review in Word with heading styles and a table of indicators against targets (杏湾街道), a county's
    GBK portal page laid out in tables, its menu in a cell beside the report's, with notes marked
    <sup>①</sup> (云梧县), and a township's GBK text with 「一是…」 runs, Chinese numerals and a table laid out
    with full-width spaces (漱石乡). Session 29: a town's PDF with a running header, page numbers and a drawn
    table of targets (柏溪镇), a subdistrict's half-year review on a portal page with figures inside styled spans
    and a table of 民生实事 (澄江街道), a township's Word file with heading styles, bulleted and numbered Word
    lists and 「注：」 paragraphs (枫林乡) and a county's text copied out of a PDF, its lines broken inside figures
    and page numbers between them (碧浦县); then a town's Markdown with a blockquoted byline, a numbered list
    and footnotes (栖凤镇), a subdistrict's half-year PDF with a cover page and a signature block (南屏街道), a
    township's report reposted as a WeChat article under its publishing time (石湾乡) and a county's Word file
    with no heading styles and 「附注」 marked ①②③ (临溪县); then a town's text pasted from a word processor with
    thousands separators and percentages in words (桐溪镇), a subdistrict's half-year review in Word with a table
    of projects and 「（注：…）」 notes (凤台街道), a township's PDF with notes at the foot of each page (云岭乡) and a
    county's portal page split over two pager divs, one hidden (清溆县). Session 30: a town's plain text with
    full-width figures, 「一是…」 runs and a tab-separated table of targets (槿溪镇), a subdistrict's half-year review
    on a portal page with bold-tagged headings, a table of indicators and an <ol> (望江街道), a township's Word
    file with bold-run headings, a merged-cell table and a 'List Number' list (榕岭乡) and a district's PDF with a
    running header, a drawn table of targets and 「名词解释」 (枫浦区); then a village committee's report in Markdown
    with a blockquoted byline, a pipe table and footnotes (云栖村), a subdistrict's half-year review in Word with
    two tables and a page header (兰亭街道), a township's old portal page whose report is one <div> of
    <br>-separated paragraphs with <sup>① notes (桑园乡) and a county's PDF with notes at the page foot and a table
    over a page break (望海县). Session 31: a town's GB18030 text with CRLF, hard-wrapped lines and a 附表 aligned
    with spaces between dashed rules (澄湖镇), a township's Word report whose headings are numbered by Word's
    automatic numbering (柳塘乡), a subdistrict's half-year portal page with figures in spans of their own, an
    aside of other streets' news and a <dl> glossary (白沙街道) and a county's 公文 PDF with run-in bold headings and
    a table over a page break (鹤山县); then a town's UTF-16 text with counts in Chinese numerals and （注：…）
    glosses (梅岭镇), a subdistrict's Word report with unaccepted tracked changes, a content control and a
    reviewer's comment (石桥街道), a development zone's Markdown with setext headings, an HTML table, <br> and
    labelled footnotes (云海经济开发区) and a township's half-year slide deck as a PDF (桃源乡); then a village
    committee's Word report with Word footnotes (香山村), a town's report pasted into a <pre> on a GBK portal page
    (镜湖镇), a district's text numbered as an outline, 1 / 1.1 / 1.1.1 (双溪区), and a township's PDF with a
    diagonal watermark on every page (凤凰乡). Session 32: a town's report as a newspaper reprinted it, a PDF in
    two columns under a masthead (白鹭镇), a subdistrict's Word report set inside a one-cell frame table with a
    table nested in it (金沙街道), a township's report reposted as a WeChat article of nested sections, its
    figures split over spans (翠屏乡), and a county's text as `pdftotext -layout` writes it, with form feeds,
    running headers and page footers (长岭县); then a county's speech transcribed from its recording, its points
    run by 「第一，」 ordinals (石门县), a town's report in traditional script saved as Big5 (桂溪镇), a
    subdistrict's Word file with a table of contents, page headers and footers (枫港街道) and a district's
    Feishu Markdown export with emoji headings, callouts, a ticked checklist and <details> (云岚区); then a
    town's Word file whose parts are single paragraphs split by manual line breaks (新桥镇), a township's raw OCR
    text (桃林乡), a subdistrict's review laid out as one table of results and plans over landscape PDF pages
    (白云街道) and a county's GBK portal page with two pages' articles pasted into one file (岚山县). Session 33:
    a town's Word report with floating text boxes written twice, as DrawingML and as its VML fallback (松岩镇),
    a subdistrict's report as pandoc converts Word to Markdown, with bold run-in headings, escapes, a grid
    table and footnotes (荷溪街道), a township's scanned report, an image-only PDF with a seal (鹿鸣乡), and a
    county's portal page whose report runs on over tabs, with figure cards and a glossary box (金川县); then a
    town's GB2312 text typed with full-width digits and letters and a TAB-separated 附表 (石岭镇), a subdistrict's
    Word file converted from a PDF, every printed line a paragraph, with page headers and numbers among them
    (柳川街道), a county's report as a news app serves it to a phone, folded after a third under 「展开全文」
    (青龙县), and a township's PDF printed as a booklet, two A5 pages to a landscape sheet (桂花乡); then a town's
    searchable scan, page images under an invisible OCR text layer with OCR's slips (丰乐镇), a subdistrict's
    Word report writing every number in characters, 二〇二五年 and 百分之十二点五 (兴隆街道), a county's report
    pasted from a news site with 【】 chapter headings, a page split and related headlines (龙泉县), and a
    township's Yuque Markdown export with :::tips blocks, <font> spans and <br /> in table cells (花溪乡); then
    a subdistrict's Word report laid out as a two-column form table, parts merged down the left (金凤街道), a
    township's report as one single line, every line break stripped (东坝乡), a county's discussion draft as a
    PDF with line numbers in the margin and odd and even running headers (清河县), and a town's report posted
    to a WeChat group in several messages, cut mid-sentence, between members' replies (柳林镇); then a town's
    Word report whose cover is text boxes and whose parts are content controls (桐柏镇), a subdistrict's
    government-information record page with its metadata table and attachments (南湖街道), a township's text
    with tables drawn in box-drawing characters (白马乡), and a county's PDF compilation of the meeting's
    documents, the work report followed by the budget report (红旗县); then a town's Word draft under revision,
    with tracked insertions and deletions and reviewer comments (凤鸣镇), a district people's congress page
    carrying a subdistrict's report with the review opinions and the resolution after it (紫阳街道), a
    township's bilingual PDF, each paragraph followed by its English translation (梨花乡), and a county's report
    copied from a document-sharing site, its pages cut mid-sentence by the site's lines (云台县); then a town's
    Word report explaining its terms in endnotes, its review set in two columns (碧溪镇), a subdistrict's page
    exported by a front-end framework, headings in divs and images' alt text, its indicators a CSS grid of
    divs (南山街道), a township's PDF set with wide character spacing (桃花乡), and a county's page exported
    from Notion as Markdown, with callouts and toggles (永安县). Session 35: a town's Word file saved as a web
    page, GBK, its numbering in conditional comments and its notes Word's (青溪镇), a subdistrict's portal page
    printed to PDF from a browser, every page headed by the print time and footed by its address (虹山街道), a
    county TV station's subtitles of the speech saved as text (江平县), and a township's Word file with
    auto-numbered items and its indicators across, its years down (翠岩乡); then a town's Word report as
    MarkItDown converts it to Markdown (河阳镇), a township's red-header official document in Word issuing its
    report under a notice (石泉乡), a county's report reposted to a forum, saved as its BBCode source with the
    thread's replies (澜涧县), and a subdistrict's portal page carrying its report in an iframe's srcdoc (白泉街道).
    Measured on each alone (README "Retrieval"). Asked a few weeks after the
    report was given, so that 「去年」 is the year it reviews, as its writer meant (two questions of
    2026's and 2024's plans said 「明年」 as if asked before the report's year began: they say 「今年」)."""
    from qa.index import build_index, load_index
    from qa.search import release_retriever
    from qa.settings import Settings

    report, itself = unseen["report"], unseen["itself"]
    monkeypatch.setenv("QA_TODAY", unseen["asked_on"])
    root = tmp_path_factory.mktemp(Path(report).stem)
    (root / "docs").mkdir()
    (root / "docs" / report).write_bytes((UNSEEN / report).read_bytes())
    settings = Settings.from_env().with_overrides(docs_dir=root / "docs", index_dir=root / "index", upload_dir=root / "uploads")
    build_index(settings, progress=False)
    meta = next(iter(load_index(root / "index").documents.values())).metadata
    assert (meta.town, meta.date, meta.speaker) == (unseen["town"], unseen["date"], unseen["speaker"])
    outcomes = run_eval(load_questions(UNSEEN / f"{Path(report).stem}.jsonl"), index_dir=root / "index")
    release_retriever(root / "index")  # 223 reports in one worker: one index in memory at a time, not all
    # a report may carry its own floor, with why (`hit5_floor_why`): photographed pages OCR misreads, English
    # questions the English→Chinese reading maps to other terms
    assert summarize(outcomes)["overall"]["hit@5"] >= unseen.get("hit5_floor", 0.90)
    prefix = outcomes[0].id.split("-")[0]
    periods = [o for o in outcomes if o.id in {f"{prefix}-{n}" for n in UNCOVERED}]
    assert len(periods) == 5 and all(o.status != "answered" for o in periods)
    delivered = [o for o in outcomes if o.id in itself]  # who gave it, and when
    assert len(delivered) == len(itself) and all(o.status == "answered" and o.answer_has_evidence for o in delivered)
