"""`python -m bench.readers [--quick]`: the readers measured on renders of the seeds (tests/renders.py).

1. Libraries compared, each turning the renders into text that `qa.ingest.parse_document` cleans:
   fidelity (share of the `.txt` clean text's characters found in order), page furniture left inside
   passages (running headers, page numbers; site navigation and footers for web pages), footnotes
   found, seconds per document.
   - PDF: pypdfium2 with qa.readers.pdf's layout (the reader), pypdfium2's plain text, pdfplumber,
     pdfminer.six;
   - DOCX: qa.readers.docx (python-docx + its XML), docx2python;
   - HTML: qa.readers.html (selectolax), trafilatura.
2. Speed: a 30-page text PDF (the seed renders one after another) through `load_document` (read,
   clean, sections, chunks); OCR seconds per page of the image-only renders (wall and CPU), with the
   machine's load average beside them (this machine is shared).

Writes bench/results/readers.json and prints markdown tables.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import write_result

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FURNITURE = {
    "pdf": re.compile(r"第\s*\d+\s*页|[-—–]\s*\d{1,3}\s*[-—–](?!\d)|共\s*\d+\s*页|政府工作报告\S{0,2}$"),
    "docx": re.compile(r"此句已删除|请核实数字"),
    "html": re.compile(r"当前位置|版权所有|ICP备|首页|分享到|相关阅读|浏览次数|无障碍"),
}


def _share(reference: str, candidate: str) -> float:
    import difflib

    a, b = re.sub(r"\s+", "", reference), re.sub(r"\s+", "", candidate)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(a))


def _pdf_plain_pdfium(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _pdf_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _pdf_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def _docx_docx2python(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as content:
        return content.text


def _html_trafilatura(path: Path) -> str:
    import trafilatura

    return trafilatura.extract(path.read_text(encoding="utf-8"), include_comments=False, include_tables=True) or ""


def _ours(path: Path) -> str:
    from qa.readers import read_report

    return read_report(path).text


CANDIDATES = {
    "pdf": [
        ("pypdfium2 + qa.readers.pdf layout (chosen)", _ours, "Apache-2.0 / BSD-3-Clause"),
        ("pypdfium2 plain text", _pdf_plain_pdfium, "Apache-2.0 / BSD-3-Clause"),
        ("pdfplumber", _pdf_pdfplumber, "MIT"),
        ("pdfminer.six", _pdf_pdfminer, "MIT"),
    ],
    "docx": [
        ("python-docx + qa.readers.docx (chosen)", _ours, "MIT"),
        ("docx2python", _docx_docx2python, "MIT"),
    ],
    "html": [
        ("selectolax + qa.readers.html (chosen)", _ours, "MIT"),
        ("trafilatura", _html_trafilatura, "Apache-2.0"),
    ],
}


def compare(quick: bool) -> list[dict[str, Any]]:
    from qa.ingest import load_document, parse_document
    from tests.renders import ensure_renders, seed_paths

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    seeds = seed_paths()
    renders = ensure_renders(("pdf", "docx", "html"))
    expected = [load_document(seed) for seed in seeds]
    rows = []
    for fmt, candidates in CANDIDATES.items():
        for name, extract, licence in candidates:
            shares, leaks, notes, seconds, failures = [], 0, 0, [], []
            for index, path in enumerate(renders[fmt]):
                started = time.perf_counter()
                try:
                    raw = extract(path)
                    document = parse_document(raw, path.name)
                except Exception as error:  # a rival library failing on a render is a result too
                    print(f"  {name} {path.name}: {type(error).__name__}: {error}", file=sys.stderr)
                    failures.append(f"{path.name}: {type(error).__name__}")
                    shares.append(0.0)
                    continue
                seconds.append(time.perf_counter() - started)
                shares.append(_share(expected[index].text, document.text))
                # what the report itself says (「无障碍改造」) is not furniture: count only what the .txt lacks
                leaks += max(0, sum(len(FURNITURE[fmt].findall(c.text)) for c in document.chunks)
                             - sum(len(FURNITURE[fmt].findall(c.text)) for c in expected[index].chunks))
                notes += sum(len(c.footnotes) for c in document.chunks)
            rows.append({
                "format": fmt,
                "library": name,
                "licence": licence,
                "fidelity_min": round(min(shares), 4),
                "fidelity_mean": round(statistics.mean(shares), 4),
                "furniture_in_passages": leaks,
                "footnotes_attached": notes,
                "footnotes_expected": sum(len(c.footnotes) for d in expected for c in d.chunks),
                "seconds_per_document": round(statistics.mean(seconds), 3) if seconds else None,
                "failures": failures,
            })
    return rows


def thirty_page_pdf() -> bytes:
    """The seed PDF renders one after another, cut at 30 pages."""
    import pypdfium2 as pdfium

    from tests.renders import ensure_renders

    target = pdfium.PdfDocument.new()
    try:
        for path in ensure_renders(("pdf",))["pdf"]:
            source = pdfium.PdfDocument(str(path))
            take = min(len(source), 30 - len(target))
            if take > 0:
                target.import_pages(source, list(range(take)))
            source.close()
        buffer = io.BytesIO()
        target.save(buffer)
        return buffer.getvalue()
    finally:
        target.close()


def speed(quick: bool, workdir: Path) -> dict[str, Any]:
    import pypdfium2 as pdfium

    from qa.ingest import load_document
    from qa.readers import ocr
    from tests.renders import ensure_renders

    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "thirty_pages.pdf"
    path.write_bytes(thirty_page_pdf())
    from qa import readers

    times = []
    for _ in range(3 if quick else 5):
        readers._CACHE.clear()
        started = time.perf_counter()
        document = load_document(path)
        times.append(time.perf_counter() - started)
    pdf = {"pages": document.metadata.pages, "chunks": len(document.chunks), "seconds": [round(t, 3) for t in times],
           "median_s": round(statistics.median(times), 3), "best_s": round(min(times), 3)}

    scan = ensure_renders(("scan",))["scan"][1]
    document = pdfium.PdfDocument(str(scan))
    pages = list(range(3 if quick else len(document)))
    ocr._get_engine()  # model loading is not per page
    walls, cpus, loads = [], [], []
    for number in pages:
        loads.append(os.getloadavg()[0])
        wall, cpu = time.perf_counter(), time.process_time()
        ocr.ocr_pages(document, [number], scan)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    document.close()
    return {
        "text_pdf_30_pages": pdf,
        "ocr": {
            "file": scan.name, "pages": len(pages), "threads": ocr.THREADS,
            "wall_s_per_page_median": round(statistics.median(walls), 2),
            "cpu_s_per_page_median": round(statistics.median(cpus), 2),
            "wall_s": [round(w, 2) for w in walls], "cpu_s": [round(c, 2) for c in cpus],
            "load_average_1min": [round(x, 1) for x in loads], "cpus": os.cpu_count(),
        },
    }


def run(quick: bool = False) -> dict[str, Any]:
    from bench.common import TMP_DIR

    result: dict[str, Any] = {"libraries": compare(quick), "speed": speed(quick, TMP_DIR / "readers")}
    result["markdown"] = format_tables(result)
    write_result("readers", result)
    return result


def format_tables(result: dict[str, Any]) -> str:
    lines = ["| format | library | licence | fidelity min / mean | furniture in passages | footnotes attached | s / document |",
             "|---|---|---|---|---|---|---|"]
    for row in result["libraries"]:
        lines.append(
            f"| {row['format']} | {row['library']} | {row['licence']} | {row['fidelity_min']:.4f} / {row['fidelity_mean']:.4f} "
            f"| {row['furniture_in_passages']} | {row['footnotes_attached']} of {row['footnotes_expected']} "
            f"| {row['seconds_per_document']} |"
        )
    pdf = result["speed"]["text_pdf_30_pages"]
    ocr = result["speed"]["ocr"]
    lines += [
        "",
        f"30-page text PDF through load_document: median {pdf['median_s']} s, best {pdf['best_s']} s "
        f"({pdf['chunks']} passages; runs {pdf['seconds']})",
        f"OCR ({ocr['file']}, {ocr['pages']} pages, {ocr['threads']} threads): median {ocr['wall_s_per_page_median']} s "
        f"wall, {ocr['cpu_s_per_page_median']} s CPU per page; 1-min load average during the run "
        f"{ocr['load_average_1min']} on {ocr['cpus']} CPUs",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 OCR pages, 3 timing runs")
    args = parser.parse_args(argv)
    print(run(quick=args.quick)["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
