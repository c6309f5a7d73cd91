"""Chunks by section: within one section, exact text and offsets, footnotes attached, nothing lost; text
without headings in near-equal windows."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.chunking import HEADINGLESS_MAX_CHARS, OPENING_MAX_CHARS, chunk_document, footnote_anchor
from qa.documents import Document, Metadata, Paragraph, Section
from qa.index import embedding_text
from qa.ingest import load_document, parse_document
from tests.conftest import FIXTURES_DIR, SEEDS_DIR

SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))
FIXTURE_PATHS = sorted(FIXTURES_DIR.glob("*.*"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_well_formed(document: Document, max_chars: int) -> None:
    """Exact text, increasing non-overlapping offsets, size limit (the window size for a text without
    headings), and every non-blank character kept."""
    if not document.sections:
        max_chars = max(max_chars, HEADINGLESS_MAX_CHARS)
    previous_end = 0
    for chunk in document.chunks:
        assert chunk.text == document.text[chunk.start : chunk.end]
        assert chunk.text and chunk.text == chunk.text.strip()
        assert chunk.start >= previous_end
        assert len(chunk.text) <= max_chars
        assert not document.text[previous_end : chunk.start].strip(), "text between chunks was lost"
        previous_end = chunk.end
    assert not document.text[previous_end:].strip()
    assert squeeze("".join(c.text for c in document.chunks)) == squeeze(document.text)


@pytest.mark.parametrize("path", SEED_PATHS + FIXTURE_PATHS, ids=lambda p: p.name)
@pytest.mark.parametrize("max_chars", [120, 400, 800])
def test_chunks_are_well_formed(path, max_chars: int) -> None:
    assert_well_formed(load_document(path, max_chunk_chars=max_chars), max_chars)


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda p: p.name)
def test_chunk_lies_within_its_section(path) -> None:
    document = load_document(path)
    for chunk in document.chunks:
        if not chunk.section_path:
            assert not document.sections or chunk.end <= document.sections[0].start
            continue
        holders = [s for s in document.sections if s.path == chunk.section_path]
        assert holders, chunk.section_path
        top = next(s for s in document.sections if s.path == chunk.section_path[:1])
        # A bare heading may open the chunk of its first sub-section; the chunk still lies in the
        # top-level section and ends inside its own.
        assert top.start <= chunk.start and any(chunk.end <= s.end for s in holders)


def test_section_path_reads_like_the_report() -> None:
    document = load_document(next(SEEDS_DIR.glob("001_*.txt")))
    chunk = next(c for c in document.chunks if "全年新引进企业" in c.text or c.text.startswith("招商引资交出新答卷"))
    assert chunk.section_path == (
        "一、2025年主要工作和“十四五”工作回顾", "（一）承压奋进，经济发展持续向好", "招商引资交出新答卷",
    )


def test_footnotes_follow_their_markers() -> None:
    document = load_document(next(SEEDS_DIR.glob("003_*.txt")))
    with_note_7 = [c for c in document.chunks if 7 in {f.n for f in c.footnotes}]
    assert len(with_note_7) == 1 and "“8+2”游线" in with_note_7[0].text
    attached = sorted({f.n for c in document.chunks for f in c.footnotes})
    assert attached == [f.n for f in document.footnotes]
    markdown = load_document(next(SEEDS_DIR.glob("000_*.txt")))
    [holder] = [c for c in markdown.chunks if c.footnotes]
    assert "“1+5+X”疫情应急处置架构" in holder.text


def test_a_chunks_footnote_knows_the_words_its_marker_follows() -> None:
    """Reports mark the term a footnote explains: 「总结形成“小快灵”¹⁰三字经工作法」."""
    document = load_document(next(SEEDS_DIR.glob("003_*.txt")))
    [note_7] = [f for c in document.chunks for f in c.footnotes if f.n == 7]
    assert note_7.anchor == "打造“8+2”游线"
    anchors = [f.anchor for c in document.chunks for f in c.footnotes]
    assert all(0 < len(a) <= 24 and not re.search(r"[，。；：！？]", a) for a in anchors), anchors
    # the document's own list of footnotes is what the report defines, without anchors
    assert {f.anchor for f in document.footnotes} == {""}


def test_footnote_anchor_stops_at_the_clause_and_the_chunk() -> None:
    text = "坚持和发展新时代“枫桥经验”，总结形成“小快灵”三字经工作法。社会面保持平稳有序。"
    assert footnote_anchor(text, text.index("三字经")) == "总结形成“小快灵”"
    assert footnote_anchor(text, len(text)) == "社会面保持平稳有序"  # a marker after the full stop
    assert footnote_anchor(text, text.index("三字经"), start=text.index("“小")) == "“小快灵”"
    assert footnote_anchor("很长" * 30, 60) == "很长" * 12


def test_bare_headings_open_the_next_chunk() -> None:
    document = load_document(next(SEEDS_DIR.glob("002_*.txt")))
    assert not any(c.text in {s.heading for s in document.sections} for c in document.chunks)
    opener = next(c for c in document.chunks if c.text.startswith("（二）突出功能优化"))
    assert opener.section_path[-1] == "规划引领举旗定向"


def test_long_section_splits_at_sentences() -> None:
    sentence = "街道持续推进老旧小区改造，完善社区服务设施。"
    text = "一、工作回顾\n" + sentence * 40
    paragraphs = (Paragraph(0, 6), Paragraph(7, len(text)))
    sections = (Section("一、工作回顾", 1, ("一、工作回顾",), 0, len(text)),)
    chunks = chunk_document("t.txt", text, paragraphs, sections, max_chars=200)
    assert len(chunks) >= 5
    assert all(c.text.endswith("。") for c in chunks)
    sizes = [len(c.text) for c in chunks]
    assert max(sizes) - min(sizes) <= len(sentence) + 6, "pieces should be near-equal"


def test_unbreakable_text_is_cut_hard() -> None:
    text = "字" * 1000
    sections = (Section("一、工作回顾", 1, ("一、工作回顾",), 0, 1000),)
    chunks = chunk_document("t.txt", text, (Paragraph(0, 1000),), sections, max_chars=300)
    assert "".join(c.text for c in chunks) == text and max(len(c.text) for c in chunks) <= 300


def test_text_without_headings_is_cut_in_windows_at_sentences() -> None:
    """An article (no headings) keeps up to `HEADINGLESS_MAX_CHARS` together, whatever the section
    chunk size, and longer ones are cut into near-equal windows at sentence ends."""
    sentence = "新型储能项目今年并网发电，总装机容量达到一百二十万千瓦。"
    short = sentence * 20  # 560 characters: one window
    assert [c.text for c in chunk_document("a.txt", short, (Paragraph(0, len(short)),), (), max_chars=400)] == [short]
    long = sentence * 60  # 1,680 characters: three windows of about 560
    chunks = chunk_document("b.txt", long, (Paragraph(0, len(long)),), (), max_chars=400)
    assert len(chunks) == 3 and all(c.text.endswith("。") and len(c.text) <= HEADINGLESS_MAX_CHARS for c in chunks)
    assert "".join(c.text for c in chunks) == long


def test_later_windows_carry_the_opening_sentence() -> None:
    """A window after the first of a text without headings carries the text's opening sentence (white
    space collapsed, at most `OPENING_MAX_CHARS`), which is embedded and tokenized with it; the first
    window holds that sentence already, and a report's chunks have their section path instead."""
    opening = "小米举办  2023 第四届黑客马拉松大赛。"
    body = "获得一等奖的项目是识物眼镜，为视障人群提供多种功能。" * 60
    text = opening + body
    chunks = chunk_document("news.txt", text, (Paragraph(0, len(text)),), ())
    assert len(chunks) > 1 and chunks[0].opening == ""
    assert all(c.opening == "小米举办 2023 第四届黑客马拉松大赛。" for c in chunks[1:])
    assert "第四届黑客马拉松" in embedding_text(chunks[1], Metadata()).split(chunks[1].text)[0]
    long_opening = "甲" * 400 + "。" + body
    assert len(chunk_document("x.txt", long_opening, (Paragraph(0, len(long_opening)),), ())[1].opening) == OPENING_MAX_CHARS
    report = load_document(SEED_PATHS[0])
    assert report.sections and all(c.opening == "" for c in report.chunks)


def test_too_small_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        chunk_document("t.txt", "正文。", (Paragraph(0, 3),), (), max_chars=5)


# ---------------------------------------------------------------- property test over generated reports

_HANZI = "经济发展社区服务推进建设治理环境民生保障产业项目城市更新品质提升完善机制加强管理创新优化"
_SENTENCES = st.builds(
    lambda words, end: "".join(words) + end,
    st.lists(st.sampled_from([_HANZI[i : i + 2] for i in range(0, len(_HANZI) - 1, 2)]), min_size=3, max_size=40),
    st.sampled_from(["。", "。", "；", "！", "，"]),
)


@st.composite
def reports(draw: st.DrawFn) -> tuple[str, list[str], dict[int, str]]:
    """A report text mixing the three styles, the body pieces it must keep, and its footnotes."""
    style = draw(st.sampled_from(["markdown", "word", "pdf"]))
    kept: list[str] = []
    notes: dict[int, str] = {}
    lines = ["政 府 工 作 报 告" if style == "word" else "政府工作报告", "各位代表："]
    kept += ["政府工作报告", "各位代表："]
    for part in range(draw(st.integers(1, 3))):
        heading = f"{'一二三'[part]}、{('工作回顾', '工作安排', '工作总结')[part]}"
        lines.append(f"## {heading}" if style == "markdown" else heading)
        kept.append(heading)
        for _ in range(draw(st.integers(1, 4))):
            body = "".join(draw(st.lists(_SENTENCES, min_size=1, max_size=8)))
            if not body.endswith(("。", "；", "！")):
                body += "。"
            lead = draw(st.sampled_from(["", "产业发展提速。", "社区治理见效。", "城市面貌焕新。"]))
            kept.append(lead + body)
            prefix = f"**{lead}**" if lead and style == "markdown" else lead
            paragraph = prefix + body
            if draw(st.booleans()) and len(notes) < 9:
                n = len(notes) + 1
                notes[n] = f"注释内容第{n}条。"
                at = len(prefix) + draw(st.integers(1, len(body) - 1))
                marker = {"markdown": f"<sup>{n}</sup>", "word": f"[footnoteRef:{n - 1}]", "pdf": "¹²³⁴⁵⁶⁷⁸⁹"[n - 1]}
                paragraph = paragraph[:at] + marker[style] + paragraph[at:]
                after_marker = at + len(marker[style])
                definition = {
                    "markdown": f"---\n\n<sup>{n}</sup> {notes[n]}",
                    "word": f" [{n - 1}: {notes[n]}]",
                    "pdf": f"{'¹²³⁴⁵⁶⁷⁸⁹'[n - 1]} {notes[n]}",
                }[style]
                cut = draw(st.integers(after_marker + 1, after_marker + 60))
                broken = (
                    style != "word"
                    and cut >= 31
                    and cut < len(paragraph) - 1
                    and paragraph[cut - 1] not in "。；！，"
                )
                if broken:
                    # a page break inside the paragraph, the footnote at the foot of the page
                    paragraph = paragraph[:cut] + "\n\n" + definition + "\n\n" + paragraph[cut:]
                elif style == "word":
                    paragraph += definition
                else:
                    paragraph += "\n\n" + definition
            if style == "word" and draw(st.booleans()):
                paragraph = "[bookmark: OLE_LINK1]" + paragraph
            lines.append(paragraph)
    newline = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
    return newline.join(lines), kept, notes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from([60, 150, 400]))
def test_generated_reports_lose_nothing(report: tuple[str, list[str], dict[int, str]], max_chars: int) -> None:
    raw, kept, notes = report
    document = parse_document(raw.replace("\r\n", "\n"), "generated.txt", max_chunk_chars=max_chars)
    assert_well_formed(document, max_chars)
    body = squeeze(document.text)
    assert body == squeeze("".join(kept)), "cleaning lost or added body text"
    assert {f.n: f.text for f in document.footnotes} == notes
    assert sorted({f.n for c in document.chunks for f in c.footnotes}) == sorted(notes)
    for section in document.sections:
        assert 0 <= section.start < section.end <= len(document.text)
