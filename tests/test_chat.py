"""qa.chat: input limits, follow-up questions, Answer → escaped chat messages, the feedback log."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import qa
from qa import chat
from qa.answer import NOT_COVERED, Answer
from qa.documents import Footnote, Metadata, Section
from qa.index import IndexedDocument
from qa.search import Hit
from tests.hostile import HOSTILE

TOWNS = ["大场镇", "庙行镇", "高境镇"]
XSS = "<img src=x onerror=alert(1)>"


def make_hit(
    n: int = 1, *, text: str | None = None, spans=None, footnotes=(), town="大场镇", **fields
) -> Hit:
    text = text if text is not None else f"第{n}段。全年共引进企业 967 家，同比增长 5%。其余内容。"
    if spans is None:
        start = text.find("全年")
        spans = ((start, text.find("。", start) + 1),) if start >= 0 else ()
    values = {
        "chunk_id": f"000_report.txt#{n}",
        "source": "000_report.txt",
        "title": "政府工作报告",
        "town": town,
        "date": "2023-01-12",
        "section_path": ("一、2022年主要工作回顾", "（一）经济发展"),
        "text": text,
        "footnotes": tuple(footnotes),
        "highlight": "".join(text[s:e] for s, e in spans),
        "highlight_spans": tuple(spans),
        "score": 1.0 / n,
        "dense_score": 0.9,
        "bm25_score": 10.0,
        "start": 100 * n,
        "end": 100 * n + len(text),
    }
    values.update(fields)
    return Hit(**values)


def answerable(hits: list[Hit], text: str | None = None) -> Answer:
    return Answer(
        "大场镇2022年引进了多少家企业？", True, text or f"{hits[0].highlight} [1]", tuple(hits), 0.9
    )


def not_answerable(hits: list[Hit]) -> Answer:
    return Answer("大场镇2022年居民人均可支配收入是多少？", False, NOT_COVERED, tuple(hits), 0.2)


def visible(message: dict) -> str:
    return chat.strip_tags(message["content"])


# ---------------------------------------------------------------- input


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None])
def test_empty_input_gives_no_question(text):
    assert chat.prepare_question(text) == ("", None)


def test_question_is_stripped_and_kept():
    assert chat.prepare_question("  大场镇2022年引进了多少家企业？\n") == (
        "大场镇2022年引进了多少家企业？",
        None,
    )


def test_long_question_is_cut_with_a_notice():
    question, notice = chat.prepare_question("问" * 2000)
    assert len(question) == chat.MAX_QUESTION_CHARS == 500
    assert notice and "500" in notice and "2000" in notice


def test_question_at_the_limit_is_not_cut():
    assert chat.prepare_question("问" * 500) == ("问" * 500, None)


# ---------------------------------------------------------------- escaping


def test_question_is_shown_literally():
    message = chat.question_message(XSS)
    assert message["role"] == "user"
    assert "<img" not in message["content"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in message["content"]
    assert visible(message) == XSS


def test_escape_keeps_line_breaks_and_quotes_safe():
    assert chat.escape('a & b\n"c" <d>') == "a &amp; b<br>&quot;c&quot; &lt;d&gt;"


def test_escape_inline_neutralises_markdown_and_html():
    text = "[1] **粗体** <b>x</b> [链接](javascript:alert(1)) 'q' #"
    escaped = chat.escape_inline(text)
    assert "<b>" not in escaped and "&lt;b&gt;" in escaped
    bare = re.sub(r"&#x?[0-9a-f]+;|&[a-z]+;", "", escaped)
    assert not set(bare) & set("*[]()#'<>&")  # no markdown or HTML syntax left, only references
    assert html.unescape(escaped) == text


def test_marked_wraps_spans_and_escapes_around_them():
    text = "前<文>。答案<句>。后文。"
    start = text.index("答")
    end = text.index("后")
    assert chat.marked(text, [(start, end)]) == "前&lt;文&gt;。<mark>答案&lt;句&gt;。</mark>后文。"


def test_marked_ignores_spans_outside_the_text():
    assert chat.marked("短文", [(5, 9)]) == "短文"


def test_message_bodies_are_single_html_blocks():
    """No blank line inside a body, so markdown cannot reinterpret the escaped text."""
    hit = make_hit(text="第一段 **不是粗体**\n\n第二段 # 不是标题\n\n$$x$$ 全年共引进企业 967 家。")
    for message in chat.answer_messages(answerable([hit]), context=lambda _: context_for(hit)):
        assert message["content"].startswith("<div")
        assert "\n" not in message["content"]


# ---------------------------------------------------------------- Answer → messages


def context_for(hit: Hit, before: str = "章节开头。", after: str = "章节结尾。"):
    text = before + hit.text + after
    document = IndexedDocument(
        source=hit.source,
        sha256="0" * 64,
        metadata=Metadata(title="政府工作报告", town="大场镇", date="2023-01-12"),
        text=text,
        sections=(Section("一、2022年主要工作回顾", 1, ("一、2022年主要工作回顾",), 0, len(text)),),
    )
    return document, ("一、2022年主要工作回顾",), text, (len(before), len(before) + len(hit.text))


def test_answer_shows_sentences_with_markers_then_the_cited_passage():
    hit = make_hit(1, footnotes=[Footnote(1, "规上企业：年营业收入2000万元及以上的工业企业。")])
    other = make_hit(2)
    messages = chat.answer_messages(answerable([hit, other]))
    assert [m["role"] for m in messages] == ["assistant", "assistant"]  # the answer, passage [1] only
    head = visible(messages[0])
    assert "全年共引进企业 967 家，同比增长 5%。 [1]" in head
    assert '<span class="qa-ref">[1]</span>' in messages[0]["content"]
    passage = messages[1]
    title = passage["metadata"]["title"]
    assert html.unescape(title) == "[1] 大场镇 · 政府工作报告 · 2023-01-12"
    assert "<mark>全年共引进企业 967 家，同比增长 5%。</mark>" in passage["content"]
    text = visible(passage)
    assert "一、2022年主要工作回顾 › （一）经济发展" in text
    assert hit.text in text
    assert "注1：规上企业：年营业收入2000万元及以上的工业企业。" in text


def test_every_cited_passage_is_shown_in_citation_order():
    hits = [make_hit(1), make_hit(2), make_hit(3)]
    answer = answerable(hits, f"{hits[0].highlight} [1]\n{hits[2].highlight} [3]")
    assert chat.cited_numbers(answer) == [1, 3]
    titles = [html.unescape(m["metadata"]["title"]) for m in chat.answer_messages(answer)[1:]]
    assert [t[:3] for t in titles] == ["[1]", "[3]"]


def test_cited_numbers_ignore_markers_without_a_passage():
    hits = [make_hit(1)]
    assert chat.cited_numbers(answerable(hits, "句子 [1] 又一句 [1] 再一句 [7]")) == [1]


def test_context_message_is_collapsed_and_shows_the_section_around_the_passage():
    hit = make_hit(1)
    messages = chat.answer_messages(answerable([hit]), context=lambda _: context_for(hit))
    assert len(messages) == 3
    context = messages[2]
    assert context["metadata"]["status"] == "done"
    assert "查看上下文" in context["metadata"]["title"]
    text = visible(context)
    assert text.startswith("大场镇 · 政府工作报告 · 2023-01-12 › 一、2022年主要工作回顾")
    assert "章节开头。" + hit.text + "章节结尾。" in text
    assert '<span class="qa-in-context">' in context["content"]
    assert "<mark>全年共引进企业 967 家，同比增长 5%。</mark>" in context["content"]


def test_long_context_is_cut_around_the_passage():
    hit = make_hit(1)
    far = "远" * (chat.CONTEXT_MARGIN + 500)
    context = chat.context_html(hit, context_for(hit, before=far + "近前。", after="近后。" + far))
    text = chat.strip_tags(context)
    assert "近前。" in text and "近后。" in text
    assert text.count("远") == 2 * chat.CONTEXT_MARGIN - 6  # 3 near characters kept on each side
    assert "…" in text


def test_unknown_chunk_in_context_lookup_is_skipped():
    def missing(chunk_id):
        raise KeyError(chunk_id)

    assert len(chat.answer_messages(answerable([make_hit(1)]), context=missing)) == 2


def test_passage_text_is_escaped():
    hit = make_hit(1, text=f"正文{XSS}<script>alert(2)</script>。全年共引进企业 967 家。")
    messages = chat.answer_messages(answerable([hit]), context=lambda _: context_for(hit))
    for message in messages:
        assert "<img" not in message["content"] and "<script" not in message["content"]
    assert XSS in visible(messages[1]) and XSS in visible(messages[2])


def test_title_and_town_from_the_report_are_escaped():
    hit = make_hit(1, title="<b>报告</b>", town="<i>镇</i>")
    title = chat.answer_messages(answerable([hit]))[1]["metadata"]["title"]
    assert "<b>" not in title and "<i>" not in title


def test_not_answerable_says_so_and_shows_related_passages():
    hits = [make_hit(n) for n in range(1, 6)]
    messages = chat.answer_messages(not_answerable(hits))
    head = visible(messages[0])
    assert "未找到答案" in head and NOT_COVERED in head
    assert "仅供参考" in head
    passages = messages[1:]
    assert len(passages) == chat.MAX_RELATED == 3
    for n, message in enumerate(passages, start=1):
        assert html.unescape(message["metadata"]["title"]).startswith(f"可能相关 [{n}]")
        assert "<mark>" not in message["content"]  # nothing is presented as the answer
    assert "[1]" not in head


def test_not_answerable_without_passages_is_just_the_notice():
    messages = chat.answer_messages(not_answerable([]))
    assert len(messages) == 1
    assert "仅供参考" not in visible(messages[0])


def test_notes_about_cutting_and_follow_up_come_first():
    messages = chat.answer_messages(
        answerable([make_hit(1)]), asked_as="大场镇2025年引进了多少家企业？", notice="问题过长"
    )
    head = visible(messages[0])
    assert (
        head.index("问题过长") < head.index("按上文理解为：大场镇2025年引进了多少家企业？") < head.index("答")
    )


def test_echo_repeats_the_question_escaped():
    answer = Answer(XSS, False, NOT_COVERED, (), 0.0)
    assert "问：" not in visible(chat.answer_messages(answer)[0])
    head = chat.answer_messages(answer, echo=True)[0]
    assert "<img" not in head["content"]
    assert f"问：{XSS}" in visible(head)


def test_reports_table_lists_town_title_and_date_escaped():
    document = IndexedDocument(
        source="a.txt",
        sha256="0",
        metadata=Metadata(title="政府工作报告", town="大场镇", date="2023-01-12", meeting="第六届<三>次会议"),
        text="",
        sections=(),
    )
    table = chat.reports_html([document])
    assert "已收录 1 份报告" in chat.strip_tags(table)
    assert "<td>大场镇</td>" in table and "2023-01-12" in table and "第六届&lt;三&gt;次会议" in table


# ---------------------------------------------------------------- follow-up questions

PREVIOUS = "大场镇2022年引进了多少家企业？"


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        ("那2025年呢？", PREVIOUS, "大场镇2025年引进了多少家企业？"),
        ("2025年呢", PREVIOUS, "大场镇2025年引进了多少家企业？"),
        ("那么2023年的呢?", PREVIOUS, "大场镇2023年引进了多少家企业？"),
        ("那2025年怎么样？", PREVIOUS, "大场镇2025年引进了多少家企业？"),
        ("高境镇呢？", PREVIOUS, "高境镇2022年引进了多少家企业？"),
        ("那庙行镇2023年呢", PREVIOUS, "庙行镇2023年引进了多少家企业？"),
        ("那高境呢", "大场2022年引进了多少家企业？", "高境镇2022年引进了多少家企业？"),
        ("那下半年怎么样？", "2023年上半年庙行镇新增了多少户企业？", "2023年下半年庙行镇新增了多少户企业？"),
        ("那2022年呢？", "2023年上半年庙行镇新增了多少户企业？", "2022年上半年庙行镇新增了多少户企业？"),
        ("那2025年呢？", "大场镇引进了多少家企业？", "大场镇2025年引进了多少家企业？"),
        ("那2025年呢？", "引进了多少家企业？", "2025年引进了多少家企业？"),
        ("高境镇呢", "2022年引进了多少家企业？", "高境镇2022年引进了多少家企业？"),
        (
            "What about 2025?",
            "How many firms did Dachang attract in 2022?",
            "How many firms did Dachang attract in 2025?",
        ),
        # a follow-up with a topic of its own keeps only the town
        ("那2025年的目标呢？", PREVIOUS, "大场镇2025年的目标呢？"),
    ],
)
def test_elliptical_follow_up_keeps_town_and_topic(question, previous, expected):
    assert chat.resolve_followup(question, previous, TOWNS) == expected


@pytest.mark.parametrize(
    ("question", "previous"),
    [
        ("那2025年呢？", None),  # first turn
        ("那2025年呢？", ""),
        ("高境镇2023年全年地方财政收入是多少？", PREVIOUS),  # a full question of its own
        ("2025年大场镇规上工业总产值是多少？", PREVIOUS),
        ("庙行镇的企业数量呢？", PREVIOUS),  # names its own town and topic
        ("那企业呢？", "引进了多少家企业？"),  # nothing to carry
        ("呢？", PREVIOUS),  # names nothing
    ],
)
def test_other_questions_are_left_alone(question, previous):
    assert chat.resolve_followup(question, previous, TOWNS) == question


def test_follow_ups_chain():
    second = chat.resolve_followup("那2025年呢？", PREVIOUS, TOWNS)
    third = chat.resolve_followup("高境镇呢？", second, TOWNS)
    assert third == "高境镇2025年引进了多少家企业？"


# ---------------------------------------------------------------- feedback


def make_turn(index: int = 1) -> chat.Turn:
    hits = [make_hit(1), make_hit(2)]
    return chat.make_turn(index, "那2025年呢？", answerable(hits))


def test_turn_records_question_answer_and_cited_chunks():
    turn = make_turn()
    assert turn.question == "那2025年呢？"
    assert turn.asked == "大场镇2022年引进了多少家企业？"
    assert turn.chunk_ids == ("000_report.txt#1",)
    assert turn.answerable


def test_like_finds_its_turn():
    turns = [make_turn(1), make_turn(5), make_turn(9)]
    assert chat.turn_for(turns, 1).index == 1
    assert chat.turn_for(turns, 7).index == 5
    assert chat.turn_for(turns, 12).index == 9
    assert chat.turn_for(turns, 0) is None


@pytest.mark.parametrize(
    ("liked", "vote"), [(True, "up"), (False, "down"), (None, "cleared"), ("Like", "Like")]
)
def test_vote_names(liked, vote):
    assert chat.vote_name(liked) == vote


def test_feedback_record_fields():
    record = chat.feedback_record(make_turn(), "up", time=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert record == {
        "time": "2025-01-02T03:04:05+00:00",
        "question": "那2025年呢？",
        "asked": "大场镇2022年引进了多少家企业？",
        "answer": "全年共引进企业 967 家，同比增长 5%。 [1]",
        "answerable": True,
        "chunk_ids": ["000_report.txt#1"],
        "vote": "up",
    }


def test_feedback_log_appends_whole_lines_under_concurrency(tmp_path):
    log = chat.FeedbackLog(tmp_path / "new" / "dir")
    long_answer = "答" * 20000  # well beyond a pipe buffer: a torn write would show
    turn = chat.Turn(1, "问", "问", long_answer, True, ("a#1",))

    def vote(worker: int) -> None:
        for i in range(25):
            log.append(chat.feedback_record(turn, f"{worker}-{i}"))

    threads = [threading.Thread(target=vote, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = log.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16 * 25
    records = [json.loads(line) for line in lines]
    assert {r["vote"] for r in records} == {f"{w}-{i}" for w in range(16) for i in range(25)}
    assert all(r["answer"] == long_answer for r in records)


def test_feedback_log_survives_concurrent_processes(tmp_path: Path) -> None:
    """Four processes append at once (the thread case is in tests/test_chat.py): every line whole."""
    script = (
        "import sys; from pathlib import Path; from qa import chat\n"
        "log = chat.FeedbackLog(Path(sys.argv[1]))\n"
        "for i in range(200):\n"
        "    log.append({'worker': sys.argv[2], 'i': i, 'pad': '政' * 3000})\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(w)], cwd=Path(__file__).parent.parent)
        for w in range(4)
    ]
    assert all(w.wait(timeout=120) == 0 for w in workers)
    lines = (tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 800
    assert {(r["worker"], r["i"]) for r in records} == {(str(w), i) for w in range(4) for i in range(200)}


# ---------------------------------------------------------------- hostile questions


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_chat(kind: str) -> None:
    from qa.search import get_retriever

    question, notice = chat.prepare_question(HOSTILE[kind])
    if not HOSTILE[kind].strip():
        assert (question, notice) == ("", None)
        return
    assert len(question) <= chat.MAX_QUESTION_CHARS
    assert (notice is not None) == (len(HOSTILE[kind].strip()) > chat.MAX_QUESTION_CHARS)
    question.encode("utf-8")  # what reaches the model is encodable
    answer = qa.ask(chat.resolve_followup(question, "大场镇2022年引进了多少家企业？", ["大场镇", "高境镇", "庙行镇"]))
    messages = [
        chat.question_message(question),
        *chat.answer_messages(answer, notice=notice, context=get_retriever().context, echo=True),
    ]
    raw = json.dumps(messages, ensure_ascii=False).lower()
    assert "<script" not in raw and "<img" not in raw and "<a " not in raw and "javascript:x\">" not in raw
    shown = chat.strip_tags(messages[0]["content"])
    assert shown == question
