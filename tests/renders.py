"""The seed reports rendered the way governments publish them, for the reader fidelity tests and
`bench/readers.py`: an A4 PDF printed by Chromium (running header, page numbers, footnotes at the foot
of the page that cites them, paragraphs broken across pages), a Word document (heading styles with
Word numbering, real footnotes, a tracked deletion and a comment to ignore), a government-site-like
web page (navigation, breadcrumbs, sidebar, footer, scripts) and an image-only PDF (the PDF's pages
rasterized, as a scanner would give them).

Each render is made from the `.txt` seed's *cleaned* paragraphs (what the report says, without the
traces of its own export), so reading it back must give the same clean text. Renders are cached under
tests/artifacts/renders/ keyed by the seed's hash and RENDER_VERSION.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from qa.ingest import CleanText, clean_text, read_text
from qa.sections import is_heading_line, numbering_level

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
RENDERS_DIR = ROOT / "tests" / "artifacts" / "renders"
#: Bump when a render changes, so cached renders are redone.
RENDER_VERSION = "7"
FORMATS = ("pdf", "docx", "html", "scan")
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "scan": ".pdf"}
#: Rasterizing resolution of the image-only PDF (a common scanner setting).
SCAN_DPI = 150


@dataclass(frozen=True)
class Block:
    """One paragraph to render: its text, its footnote markers (number, offset), how it looks."""

    text: str
    markers: tuple[tuple[int, int], ...]
    kind: str  # "title", "front", "h1" (part 一、), "h2" (chapter （一）), "p"
    bold_lead: int = 0
    level: int = 0  # markdown heading level in the seed (seed 000 only)


def seed_blocks(clean: CleanText) -> list[Block]:
    """The cleaned paragraphs of a seed as blocks, with what kind of paragraph each is."""
    blocks = []
    for index, paragraph in enumerate(clean.paragraphs):
        text = clean.text[paragraph.start : paragraph.end]
        markers = tuple((n, at - paragraph.start) for n, at in clean.markers if paragraph.start <= at <= paragraph.end)
        if paragraph.start < clean.body_start:
            kind = "title" if index == 0 or (paragraph.markup_level == 1 and "报告" in text) else "front"
        elif is_heading_line(text) and numbering_level(text) == 1:
            kind = "h1"
        elif is_heading_line(text) and numbering_level(text) == 2:
            kind = "h2"
        else:
            kind = "p"
        blocks.append(Block(text, markers, kind, paragraph.bold_lead, paragraph.markup_level))
    return blocks


def load_seed(seed: Path) -> tuple[CleanText, list[Block]]:
    clean = clean_text(read_text(seed))
    return clean, seed_blocks(clean)


# ---------------------------------------------------------------- shared HTML of the report body


def _inline_html(block: Block, notes_href: bool = False) -> str:
    """The paragraph's text with <strong> lead and <sup> markers."""
    cuts = sorted({0, len(block.text), block.bold_lead, *(at for _, at in block.markers)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = html.escape(block.text[a:b])
        out.append(f"<strong>{piece}</strong>" if b <= block.bold_lead else piece)
        for n, at in block.markers:
            if at == b:
                out.append(f'<sup><a href="#fn{n}">{n}</a></sup>' if notes_href else f"<sup>{n}</sup>")
    if not block.text:
        return ""
    return "".join(out)


def _town_of(clean: CleanText) -> str:
    from qa.ingest import extract_metadata
    from qa.sections import build_sections

    meta = extract_metadata(clean, build_sections(clean.text, clean.paragraphs, clean.body_start))
    return meta.town or ""


# ---------------------------------------------------------------- PDF (Chromium print)

_PRINT_CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 15.5px; line-height: 1.75; color: #000; }
.page { width: 210mm; height: 297mm; box-sizing: border-box; padding: 18mm 24mm 14mm 24mm;
        display: flex; flex-direction: column; overflow: hidden; break-after: page; position: relative; }
.page:last-child { break-after: auto; }
.hdr { font-family: "Noto Sans CJK SC", sans-serif; font-size: 11px; color: #333; text-align: center;
       border-bottom: 1px solid #999; padding-bottom: 2mm; margin-bottom: 6mm; flex: none; }
.body { flex: 1 1 auto; min-height: 0; overflow: hidden; }
.notes { flex: none; font-size: 11.5px; line-height: 1.5; border-top: 0.8px solid #000; width: 100%;
         padding-top: 1.5mm; margin-top: 2mm; }
.notes:empty { display: none; }
.notes p { margin: 0 0 1mm 0; text-indent: 0; }
.ftr { flex: none; font-size: 12px; text-align: center; margin-top: 4mm; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.cont { text-indent: 0; }
p.title { text-indent: 0; text-align: center; font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold;
          font-size: 26px; margin: 8mm 0 6mm 0; letter-spacing: .2em; }
p.front { text-indent: 0; text-align: center; font-size: 16px; margin-bottom: 2mm; }
p.h1 { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; margin: 3mm 0 1mm 0; }
p.h2 { font-weight: bold; }
sup { font-size: 9px; line-height: 0; }
"""

# Flows the blocks into A4 pages: a block that does not fit is cut at the character where the page is
# full (a binary search on its length), the rest continues on the next page without indent; a page's
# footnotes sit at its foot, under a rule, in a smaller font.
_PAGINATE_JS = """
([blocks, notes, header, footer]) => {
  const root = document.getElementById('root');
  let pageNo = 0, page = null, body = null, notesBox = null;
  const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  function newPage() {
    pageNo += 1;
    page = document.createElement('div'); page.className = 'page';
    page.innerHTML = '<div class="hdr">' + esc(header) + '</div><div class="body"></div><div class="notes"></div>'
      + '<div class="ftr" data-n="' + pageNo + '">' + esc(footer.replace('{n}', pageNo).replace('{total}', '99')) + '</div>';
    root.appendChild(page);
    body = page.querySelector('.body'); notesBox = page.querySelector('.notes');
  }
  function html(block, from, to) {
    let out = '';
    const cuts = new Set([from, to, Math.max(from, Math.min(to, block.bold))]);
    block.markers.forEach(m => { if (m[1] > from && m[1] <= to) cuts.add(m[1]); });
    const sorted = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const a = sorted[i], b = sorted[i + 1];
      const piece = esc(block.text.slice(a, b));
      out += b <= block.bold ? '<strong>' + piece + '</strong>' : piece;
      block.markers.forEach(m => { if (m[1] === b) out += '<sup>' + m[0] + '</sup>'; });
    }
    return out;
  }
  function notesFor(block, from, to) {
    return block.markers.filter(m => m[1] > from && m[1] <= to || (from === 0 && m[1] === 0)).map(m => m[0]);
  }
  function place(block, from, to, cont) {
    const p = document.createElement('p');
    p.className = block.kind + (cont ? ' cont' : '');
    p.innerHTML = html(block, from, to);
    body.appendChild(p);
    const added = [];
    notesFor(block, from, to).forEach(n => {
      if (notes[n] === undefined) return;
      const q = document.createElement('p');
      q.innerHTML = '<sup>' + n + '</sup>' + esc(notes[n]);
      notesBox.appendChild(q); added.push(q);
    });
    return [p, added];
  }
  function fits() { return body.scrollHeight <= body.clientHeight + 0.5; }
  newPage();
  for (const block of blocks) {
    let from = 0, cont = false;
    while (from < block.text.length) {
      let [p, added] = place(block, from, block.text.length, cont);
      if (fits()) break;
      p.remove(); added.forEach(q => q.remove());
      // largest prefix that fits
      let lo = from, hi = block.text.length;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        [p, added] = place(block, from, mid, cont);
        const ok = fits();
        p.remove(); added.forEach(q => q.remove());
        if (ok) lo = mid; else hi = mid;
      }
      const headingLike = block.kind !== 'p' && block.kind !== 'front';
      if (lo > from && !headingLike && (lo - from) >= 8) {
        place(block, from, lo, cont);
        from = lo; cont = true;
      }
      newPage();
    }
  }
  document.querySelectorAll('.ftr').forEach(f => {
    f.textContent = footer.replace('{n}', f.dataset.n).replace('{total}', String(pageNo));
  });
  return pageNo;
}
"""

#: Running header and page-number styles, one per seed (reports use all of these).
_FOOTERS = ("- {n} -", "第 {n} 页", "第 {n} 页 共 {total} 页", "{n}", "— {n} —")


def _print_html() -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        + _PRINT_CSS
        + '</style></head><body><div id="root"></div></body></html>'
    )


def render_pdf(seed: Path, out: Path, *, browser=None, variant: int = 0) -> int:
    """Print the seed to an A4 PDF with Chromium; returns the number of pages."""
    clean, blocks = load_seed(seed)
    town = _town_of(clean)
    title = next((b.text for b in blocks if b.kind == "title"), "政府工作报告")
    header = f"{town}{title}" if town and town not in title else title
    footer = _FOOTERS[variant % len(_FOOTERS)]
    payload = [
        {"text": b.text, "markers": [list(m) for m in b.markers], "kind": b.kind, "bold": b.bold_lead}
        for b in blocks
    ]
    notes = {str(f.n): f.text for f in clean.footnotes}

    def run(chromium) -> int:
        page = chromium.new_page()
        try:
            page.set_content(_print_html())
            page.evaluate("document.fonts.ready")
            pages = page.evaluate(_PAGINATE_JS, [payload, notes, header, footer])
            page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True,
                     margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
            return pages
        finally:
            page.close()

    if browser is not None:
        return run(browser)
    with chromium_browser() as chromium:
        return run(chromium)


class chromium_browser:
    """Debian's chromium through Playwright (context manager)."""

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        executable = shutil.which("chromium")
        if executable is None:
            raise RuntimeError("Debian's chromium is not installed: run `make browser`")
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable)
        return self._browser

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._playwright.stop()


# ---------------------------------------------------------------- image-only PDF (a scan)


def render_scan(pdf: Path, out: Path, dpi: int = SCAN_DPI) -> int:
    """Rasterize every page of `pdf` into a grey image and save them as an image-only PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        images = [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
    finally:
        document.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return len(images)


# ---------------------------------------------------------------- DOCX (python-docx + footnotes part)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_NUMBERING_XML = f"""<w:numbering xmlns:w="{_W}">
<w:abstractNum w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
</w:numbering>"""


def render_docx(seed: Path, out: Path) -> None:
    """The seed as a Word document: Title, Heading 1/2 with Word's own numbering (一、 （一） are not in
    the text), first-line indents, bold lead sentences, real footnotes, plus a tracked deletion and a
    comment that a reader must ignore."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    clean, blocks = load_seed(seed)
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in parse_xml(_NUMBERING_XML.encode()):
        if child.tag == qn("w:abstractNum"):
            numbering.insert(0, child)
        else:
            numbering.append(child)
    notes_xml = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    notes = {f.n: f.text for f in clean.footnotes}
    chapter_seen = False
    for index, block in enumerate(blocks):
        if block.kind == "title":
            paragraph = document.add_paragraph(style="Title")
        elif block.kind in ("h1", "h2"):
            paragraph = document.add_paragraph(style="Heading 1" if block.kind == "h1" else "Heading 2")
            level = 0 if block.kind == "h1" else 1
            # Word numbering draws 「一、」「（一）」: strip them from the text
            prefix = _numbering_prefix(block.text)
            if prefix:
                num_pr = parse_xml(
                    f'<w:numPr xmlns:w="{_W}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
                )
                paragraph._p.get_or_add_pPr().append(num_pr)
                block = Block(block.text[len(prefix) :], tuple((n, at - len(prefix)) for n, at in block.markers),
                              block.kind, max(0, block.bold_lead - len(prefix)), block.level)
            chapter_seen = True
        else:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24) if block.kind == "p" else None
        cuts = sorted({0, len(block.text), block.bold_lead, *(max(0, at) for _, at in block.markers)})
        for a, b in itertools.pairwise(cuts):
            run = paragraph.add_run(block.text[a:b])
            run.bold = b <= block.bold_lead or None
            for n, at in block.markers:
                if at == b and n in notes:
                    ref = paragraph.add_run()
                    ref._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{_W}" w:id="{n}"/>'))
                    ref.font.superscript = True
        if chapter_seen and block.kind == "p" and index % 17 == 0:
            # a tracked deletion and a comment: neither is part of the report
            paragraph._p.append(parse_xml(
                f'<w:del xmlns:w="{_W}" w:id="{9000 + index}" w:author="审校" w:date="2024-01-01T00:00:00Z">'
                f'<w:r><w:delText>（此句已删除）</w:delText></w:r></w:del>'
            ))
            document.add_comment(paragraph.runs[0], text="请核实数字", author="审校")
    for n, text in notes.items():
        notes_xml.append(
            f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t></w:r></w:p></w:footnote>'
        )
    footnotes_part = Part(
        PackURI("/word/footnotes.xml"),
        _FOOTNOTES_CT,
        (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{_W}" '
         f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         f'{"".join(notes_xml)}</w:footnotes>').encode(),
        document.part.package,
    )
    assert RT.FOOTNOTES == _FOOTNOTES_RT
    document.part.relate_to(footnotes_part, RT.FOOTNOTES)
    document.save(str(out))


def _numbering_prefix(text: str) -> str:
    import re

    # only the forms Word's numbering draws (a heading typed 「(六) 」 keeps its own characters)
    match = re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", text)
    return match.group(0) if match else ""


# ---------------------------------------------------------------- a government web page

_SITE_HEAD = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} - {town}人民政府</title>
<meta name="keywords" content="政府工作报告,{town}"><link rel="stylesheet" href="/css/main.css">
<style>.nav a {{ margin: 0 1em; }} .footnotes {{ font-size: 12px; }}</style>
<script>window._hmt = window._hmt || []; (function() {{ var hm = document.createElement("script");
hm.src = "https://hm.example.com/hm.js?0123456789"; var s = document.getElementsByTagName("script")[0];
s.parentNode.insertBefore(hm, s); }})();</script>
</head><body>
<div class="top-bar">无障碍浏览 | 长者模式 | 简 | 繁 | 登录 | 注册</div>
<header class="site-header"><div class="logo"><img src="/images/logo.png" alt="{town}人民政府"></div>
<form class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></header>
<nav class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/bsfw/">办事服务</a><a href="/hdjl/">互动交流</a>
<a href="/zjwm/">走进{town}</a></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/gzbg/">政府工作报告</a> &gt; 正文</div>
<div class="main"><aside class="sidebar"><h3>政务公开</h3><ul><li><a href="#">机构职能</a></li><li><a href="#">政策文件</a></li>
<li><a href="#">规划计划</a></li><li><a href="#">财政预决算</a></li><li><a href="#">政府工作报告</a></li></ul></aside>
<div class="article">
"""

_SITE_TAIL = """</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> 【打印本页】【关闭窗口】</div>
<div class="related"><h3>相关阅读</h3><ul><li><a href="#">关于2024年区级预算执行情况的报告</a></li>
<li><a href="#">{town}召开人大会议</a></li></ul></div>
</div>
<footer class="site-footer"><p>主办：{town}人民政府　承办：{town}党政办公室</p>
<p>网站标识码：3100000000　沪ICP备12345678号-1　沪公网安备 31011302000000号</p>
<p>版权所有 © {town}人民政府 2024　联系电话：021-12345678</p></footer>
<script src="/js/jquery.min.js"></script><script>$(function () {{ $('.nav a').hover(function () {{}}); }});
var counter = "访问量统计"; document.write("");</script>
</body></html>
"""


def render_html(seed: Path, out: Path) -> None:
    """The seed as a page of a government site: the article among navigation, breadcrumbs, a sidebar,
    sharing links, related reading, a footer and scripts."""
    clean, blocks = load_seed(seed)
    town = _town_of(clean) or "某镇"
    title = next((b.text for b in blocks if b.kind == "title"), "政府工作报告")
    parts = [_SITE_HEAD.format(title=html.escape(title), town=town)]
    parts.append('<div class="info">发布时间：2024-01-15　来源：党政办公室　浏览次数：1024　字号：【大 中 小】</div>')
    parts.append('<div class="content" id="zoom">')
    for block in blocks:
        inner = _inline_html(block, notes_href=True)
        if block.kind == "title":
            parts.append(f"<h1>{inner}</h1>")
        elif block.kind == "front":
            parts.append(f'<p style="text-align:center">{inner}</p>')
        elif block.kind == "h1":
            parts.append(f"<h2>{inner}</h2>")
        elif block.kind == "h2":
            parts.append(f"<h3>{inner}</h3>")
        else:
            parts.append(f'<p style="text-indent:2em">{inner}</p>')
    parts.append("</div>")
    if clean.footnotes:
        parts.append('<div class="footnotes"><hr><ol>')
        parts += [f'<li id="fn{f.n}" value="{f.n}">{html.escape(f.text)}</li>' for f in clean.footnotes]
        parts.append("</ol></div>")
    parts.append(_SITE_TAIL.format(town=town))
    out.write_text("\n".join(parts), encoding="utf-8")


# ---------------------------------------------------------------- cache


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


def render_path(seed: Path, fmt: str) -> Path:
    digest = hashlib.sha256(seed.read_bytes() + RENDER_VERSION.encode()).hexdigest()[:10]
    return RENDERS_DIR / f"{fmt}-{digest}" / (seed.stem + SUFFIX[fmt])


def ensure_renders(formats: tuple[str, ...] = FORMATS, seeds: list[Path] | None = None) -> dict[str, list[Path]]:
    """Render every seed to every format (cached); {format: [render path per seed]}."""
    seeds = seeds or seed_paths()
    wanted = {fmt: [render_path(seed, fmt) for seed in seeds] for fmt in formats}
    if all(path.exists() for paths in wanted.values() for path in paths):
        return wanted
    RENDERS_DIR.mkdir(parents=True, exist_ok=True)
    # One process renders at a time: test files run in parallel (pytest-xdist) would otherwise each
    # render the same missing files.
    with FileLock(RENDERS_DIR / ".lock"):
        return _render_missing(wanted, formats, seeds)


def _render_missing(wanted: dict[str, list[Path]], formats: tuple[str, ...], seeds: list[Path]) -> dict[str, list[Path]]:
    needs_pdf = [s for s in seeds if ("pdf" in formats or "scan" in formats) and not render_path(s, "pdf").exists()]
    if needs_pdf:
        with chromium_browser() as browser:
            for seed in needs_pdf:
                _atomic(render_path(seed, "pdf"), lambda tmp, s=seed: render_pdf(s, tmp, browser=browser,
                                                                                 variant=seeds.index(s)))
    for seed in seeds:
        for fmt in formats:
            path = render_path(seed, fmt)
            if path.exists():
                continue
            if fmt == "docx":
                _atomic(path, lambda tmp, s=seed: render_docx(s, tmp))
            elif fmt == "html":
                _atomic(path, lambda tmp, s=seed: render_html(s, tmp))
            elif fmt == "scan":
                _atomic(path, lambda tmp, s=seed: render_scan(render_path(s, "pdf"), tmp))
    return wanted


def _atomic(path: Path, make) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    make(tmp)
    tmp.replace(path)


def pdf_bytes_of_pages(pdf: Path, pages: int) -> bytes:
    """A PDF made of the first page of `pdf` repeated `pages` times (for size and speed tests)."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(pdf))
    target = pdfium.PdfDocument.new()
    try:
        target.import_pages(source, [0] * pages)  # one call: page by page takes 12 s for 500
        buffer = io.BytesIO()
        target.save(buffer)
        return buffer.getvalue()
    finally:
        target.close()
        source.close()
