"""Web pages (`qa.readers.html`): what a page as Microsoft Word saves it holds."""

from __future__ import annotations

from pathlib import Path

from qa.ingest import clean_text
from qa.readers import Limits
from qa.readers.html import read as read_html

#: A report saved by Word as a web page ("Save as Web Page"): declared gb2312, encoded GBK, paragraphs
#: split into spans, and footnotes as Word writes them — a link to `#_ftn1` in the text, the note in a
#: `<div style='mso-element:footnote' id=ftn1>` of the footnote list at the end.
WORD_PAGE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312"><style>p.MsoNormal {margin:0cm;}</style></head>
<body lang=ZH-CN><div class=WordSection1>
<p class=MsoNormal><b><span style='font-family:黑体'>一、2024年工作回顾</span></b></p>
<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>全镇</span><span>14个行政村全部设立“溪邻议事厅”</span><a
style='mso-footnote-id:ftn1' href="#_ftn1" name="_ftnref1" title=""><span class=MsoFootnoteReference><span
style='mso-special-character:footnote'><![if !supportFootnotes]>[1]<![endif]></span></span></a><span>，全年召开议事会议<span
lang=EN-US>290</span>余次。<o:p></o:p></span></p>
</div>
<div style='mso-element:footnote-list'><![if !supportFootnotes]><br clear=all><hr align=left size=1 width="33%"><![endif]>
<div style='mso-element:footnote' id=ftn1>
<p class=MsoFootnoteText><a style='mso-footnote-id:ftn1' href="#_ftnref1" name="_ftn1" title=""><span
class=MsoFootnoteReference><span><![if !supportFootnotes]>[1]<![endif]></span></span></a> “溪邻议事厅”：指在各村（居）设立的群众议事协商平台。<o:p></o:p></p>
</div></div></body></html>"""


def test_a_page_word_saved_keeps_its_footnotes_on_the_term_they_explain(tmp_path: Path) -> None:
    decoded = read_html(tmp_path / "report.htm", WORD_PAGE.encode("gbk"), Limits())
    assert "14个行政村全部设立“溪邻议事厅”<sup>1</sup>，全年召开议事会议290余次。" in decoded.text
    report = clean_text(decoded.text)
    assert [(note.n, note.text) for note in report.footnotes] == [(1, "“溪邻议事厅”：指在各村（居）设立的群众议事协商平台。")]
    assert "[1]" not in report.text and "ftn" not in report.text
