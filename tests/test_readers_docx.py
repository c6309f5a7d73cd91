"""The Word reader (`qa.readers.docx`): what Word draws beside a paragraph and what is its text."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import word_text


def test_a_bulleted_list_reads_as_its_items_without_the_symbol_font_s_bullet(tmp_path: Path) -> None:
    """Word's 'List Bullet' draws U+F0B7 of the Symbol font: a glyph, not a character of the report."""
    import docx

    document = docx.Document()
    document.add_paragraph("一年来，全乡获得多项荣誉：")
    document.add_paragraph("枫林乡被评为市级农业产业强镇", style="List Bullet")
    document.add_paragraph("竹溪村入选省级乡村旅游重点村", style="List Bullet")
    document.add_paragraph("改造农村户厕500座", style="List Number")
    lines = word_text(document, tmp_path).split("\n")
    assert lines[-3:-1] == ["枫林乡被评为市级农业产业强镇", "竹溪村入选省级乡村旅游重点村"]
    assert lines[-1] == "1.改造农村户厕500座"


def test_manual_line_breaks_part_the_lines_of_one_paragraph(tmp_path: Path) -> None:
    """Text pasted into Word keeps its lines by manual breaks (Shift+Enter): a whole part of a report is one
    paragraph, its headings and paragraphs apart only by them. Each is a line of its own."""
    import docx

    document = docx.Document()
    part = document.add_paragraph()
    for n, line in enumerate(["一、2025年工作回顾", "（一）坚持工业强镇，产业基础更加稳固", "　　工业经济稳中有进。新增规模以上工业企业7家。"]):
        if n:
            part.add_run().add_break()
        part.add_run(line)
    assert word_text(document, tmp_path).split("\n")[-3:] == [
        "一、2025年工作回顾", "（一）坚持工业强镇，产业基础更加稳固", "　　工业经济稳中有进。新增规模以上工业企业7家。"]
