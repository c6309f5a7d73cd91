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


def _text_box(paragraphs: list[str], *, fallback: bool) -> str:
    """A run holding a floating text box as Word writes it: a DrawingML shape and, when `fallback`, the
    same paragraphs again in a VML shape for older readers."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    vml = f'<w:pict xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent>{body}</w:txbxContent></v:textbox></v:shape></w:pict>'
    drawing = (
        '<w:drawing xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wp:anchor>'
        '<a:graphic><a:graphicData><wps:wsp><wps:txbx>'
        f"<w:txbxContent>{body}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    if not fallback:
        return f"<w:r {w}>{vml}</w:r>"  # a Word 2003 file: VML alone
    return (
        f'<w:r {w} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:AlternateContent>'
        f'<mc:Choice Requires="wps">{drawing}</mc:Choice><mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>'
    )


def test_a_text_box_is_read_once_after_the_paragraph_it_is_anchored_in(tmp_path: Path) -> None:
    """A sidebar of figures floats beside the body in a text box, written twice (DrawingML and its VML
    fallback): its lines follow its paragraph, once; a box in VML alone is read too."""
    import docx
    from lxml import etree

    for fallback in (True, False):
        document = docx.Document()
        anchor = document.add_paragraph("营商环境持续优化。全年为企业代办各类事项860余件。")
        anchor._p.append(etree.fromstring(_text_box(["数据速览", "工业用电量：1.36亿千瓦时，同比增长7.8%"], fallback=fallback)))
        document.add_paragraph("财政金融保障有力。")
        lines = word_text(document, tmp_path).split("\n")
        assert lines[-4:] == ["营商环境持续优化。全年为企业代办各类事项860余件。", "数据速览", "工业用电量：1.36亿千瓦时，同比增长7.8%", "财政金融保障有力。"]
