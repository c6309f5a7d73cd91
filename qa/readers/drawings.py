"""What an Office document draws rather than writes: its native charts (DrawingML, c:chartSpace) as the
table of figures each draws, and its SmartArt (dgm:dataModel) as lines of text. A report may give its main
indicators only as a chart and a list of tasks only as a SmartArt; read as nothing, their figures were lost
to search and answers (芸湾乡, session 39). Used by the Word reader (`qa.readers.docx`), which finds where
each is anchored and the caption that states a chart's unit.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from decimal import Decimal

#: DrawingML: the frame every drawing's content sits in (a:graphicData), charts (c:) and SmartArt (dgm:).
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DIAGRAM_NS = "http://schemas.openxmlformats.org/drawingml/2006/diagram"


def _c(tag: str) -> str:
    return f"{{{CHART_NS}}}{tag}"


def _dgm(tag: str) -> str:
    return f"{{{DIAGRAM_NS}}}{tag}"


#: Where a series keeps its categories and its values: c:cat and c:val, or a scatter chart's x and y.
_CATEGORY_TAGS = (_c("cat"), _c("xVal"))
_VALUE_TAGS = (_c("val"), _c("yVal"))
#: Where a reference keeps what the chart last drew from its workbook, or a literal its data; a category
#: axis of several levels keeps each in a c:lvl, the innermost (the one beside the bars) first.
_CACHE_TAGS = tuple(_c(tag) for tag in ("strCache", "numCache", "strLit", "numLit", "lvl"))
_NUMERIC_CACHES = (_c("numCache"), _c("numLit"))
#: Word's name for a series its workbook names not (the legend of a Chinese Word says 「系列1」).
UNNAMED_SERIES = "系列{}"
#: The charts whose labels can show each point's share of the whole (the option does nothing on others).
_PIE_CHARTS = tuple(_c(tag) for tag in ("pieChart", "pie3DChart", "doughnutChart", "ofPieChart"))
#: The column a slice's share of its pie goes under, when the chart's labels show percentages.
SHARE_HEADER = "占比"
#: How a share is written when the labels set no percent format: with a decimal, as reports write shares
#: (「占比达到78.6%」), where Word's default label would round it to a whole percent.
SHARE_FORMAT = "0.0%"
#: Excel's format code for a number as it is (as many decimals as it has).
GENERAL = "General"
#: Significant digits a General number keeps: a float's noise (0.30000000000000004) lies past them, and
#: Excel's General shows no more.
GENERAL_DIGITS = 10
#: Day 0 of an Excel date serial (the 1900 date system, its phantom 29 February 1900 counted).
EXCEL_EPOCH = datetime(1899, 12, 30)
#: Date serials of the years 1900 to 9999, the ones a date format shows as a date.
_DATE_SERIALS = (1, 2958466)
#: A format code's pieces: a quoted or escaped literal, what lays it out only (a colour or condition in
#: brackets, a padding or fill character), the word General, or one character.
_FORMAT_TOKEN = re.compile(r'"([^"]*)"|\\(.)|(\[[^\]]*\]|[_*].)|((?i:general)|.)')
#: A format code's characters that place a number's digits; @ places a text as it is.
_DIGIT_CODE = "0#?.,%@"
#: A format code's characters that make it a date's or a time's.
_DATE_CODE = "ymdhs"
#: The points of a SmartArt's data that hold its text: its nodes and assistants (the others are the
#: diagram itself, the connections between nodes and how it is drawn).
_TEXT_POINTS = ("node", "asst")
#: The marks a sentence ends with; a line without one gets 「。」, as a table's row does.
_SENTENCE_END = "。；！？"


def chart_rows(space) -> list[list[str]]:
    """A chart's data (c:chartSpace) as a table's rows for `table_sentences`: its title merged across, a
    header naming each series, then a row a category with each series' value. The values are those the
    chart caches (what it last drew; the workbook embedded beside it is not read), each as its format code
    shows it. When a pie's labels show percentages, each value is followed by its share of the series'
    total, which the chart draws but caches nowhere. No rows for a chart that caches no value."""
    plot = space.find(f"{_c('chart')}/{_c('plotArea')}")
    series = [
        (group, ser, values)
        for group in (plot if plot is not None else ())
        for ser in group.findall(_c("ser"))
        if (values := _cached(_first(ser, _VALUE_TAGS)))
    ]
    categories: dict[int, str] = {}
    header = [""]
    columns: list[dict[int, str]] = []
    for number, (group, ser, values) in enumerate(series, start=1):
        name = _chart_text(ser.find(_c("tx"))) or UNNAMED_SERIES.format(number)
        for index, (text, _value) in _cached(_first(ser, _CATEGORY_TAGS)).items():
            categories.setdefault(index, text)
        header.append(name)
        columns.append({index: text for index, (text, _value) in values.items()})
        labels = ser.find(_c("dLbls"))
        labels = labels if labels is not None else group.find(_c("dLbls"))
        total = sum(value for _text, value in values.values() if value is not None)
        if group.tag in _PIE_CHARTS and labels is not None and _flag(labels.find(_c("showPercent"))) and total:
            label_format = labels.find(_c("numFmt"))
            code = label_format.get("formatCode", "") if label_format is not None else ""
            header.append(SHARE_HEADER if len(series) == 1 else f"{name}{SHARE_HEADER}")
            columns.append({
                index: format_value(value / total, code if "%" in code else SHARE_FORMAT)
                for index, (_text, value) in values.items() if value is not None
            })
    if not columns:
        return []
    rows = [header] + [
        [categories.get(index, str(index + 1)), *(column.get(index, "") for column in columns)]
        for index in sorted(set().union(*columns))
    ]
    title = space.find(f"{_c('chart')}/{_c('title')}")
    title_text = _chart_text(title.find(_c("tx"))) if title is not None else ""
    return [[title_text] * len(header), *rows] if title_text else rows


def _first(element, tags: tuple[str, ...]):
    """The first child of `element` with one of `tags`, or None."""
    return next(element.iterchildren(*tags), None)


def _flag(element) -> bool:
    """A chart's on/off setting (c:showPercent val="1"); one written without a value is on."""
    return element is not None and element.get("val", "true").lower() in ("1", "true", "on")


def _chart_text(element) -> str:
    """The text of a chart's title or a series' name: typed in (rich text) or taken from a cell (cached)."""
    if element is None:
        return ""
    return "".join(piece.text or "" for piece in element.iter(f"{{{DRAWING_NS}}}t", _c("v"))).strip()


def _cached(reference) -> dict[int, tuple[str, float | None]]:
    """The points a chart keeps for a reference to its workbook, or for literal data, by index: each as the
    chart shows it (a number by its format code) and, when it is a number, its value."""
    cache = next(reference.iter(*_CACHE_TAGS), None) if reference is not None else None
    if cache is None:
        return {}
    code = cache.findtext(_c("formatCode")) or GENERAL
    points: dict[int, tuple[str, float | None]] = {}
    for point in cache.findall(_c("pt")):
        text, index = (point.findtext(_c("v")) or "").strip(), point.get("idx", "")
        if not text or not index.isdecimal():
            continue
        value = _number(text) if cache.tag in _NUMERIC_CACHES else None
        points[int(index)] = (format_value(value, point.get("formatCode") or code) if value is not None else text, value)
    return points


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def format_value(value: float, code: str) -> str:
    """A number as a chart shows it by its Excel format code: its decimals (「0.0」: 12.5; General: as many as
    it has, without a float's noise — 42150, not 42150.0), a percent, a date (「yyyy年m月」: 2025年3月), and the
    text the code adds (「0"万元"」: 42150万元). Without thousands separators, as report text writes figures:
    a question's 「42150」 finds it."""
    prefix, suffix, digits, dates = "", "", "", ""
    for literal, escaped, _layout, char in _FORMAT_TOKEN.findall(code.split(";")[0]):
        if char.lower() == GENERAL.lower() or (char and char in _DIGIT_CODE):
            digits += char
        elif char and char.lower() in _DATE_CODE:
            dates += char.lower()
        elif digits:
            suffix += literal or escaped or char
        else:
            prefix += literal or escaped or char
    if dates:  # its literals lay out the date (「yyyy/m/d」): a date reads as Chinese text writes one
        is_date = bool(re.search("[yd]", dates)) or ("m" in dates and not re.search("[hs]", dates))  # else m is minutes
        if not is_date or not _DATE_SERIALS[0] <= value < _DATE_SERIALS[1]:
            return _general(value)  # a time of day, or no date at all
        moment = EXCEL_EPOCH + timedelta(days=value)
        return "".join(f"{part}{mark}" for part, mark, letter in (
            (moment.year, "年", "y"), (moment.month, "月", "m"), (moment.day, "日", "d")) if letter in dates)
    decimals = re.search(r"\.([0#?]+)", digits)
    if not digits.strip("@") or GENERAL.lower() in digits.lower():
        return f"{prefix}{_general(value)}{suffix}"
    percent = "%" in digits
    places = len(decimals.group(1)) if decimals else 0
    text = f"{value * 100 if percent else value:.{places}f}"
    optional = decimals.group(1).count("#") + decimals.group(1).count("?") if decimals else 0
    while optional and text.endswith("0"):  # 「0.##」 shows the decimals a value has, up to two
        text, optional = text[:-1], optional - 1
    return f"{prefix}{text.rstrip('.')}{'%' if percent else ''}{suffix}"


def _general(value: float) -> str:
    """A number in Excel's General format: the digits it has, short of a float's noise, never an exponent."""
    return f"{Decimal(f'{value:.{GENERAL_DIGITS}g}'):f}"


def diagram_lines(model) -> list[str]:
    """A SmartArt's text, read from its data part (dgm:dataModel: its points, dgm:pt, and how they hang
    together, dgm:cxn), not from its drawing part, which holds the same text again as laid out: each node
    under the diagram's root a line, the text of every node below it after it, in the diagram's order
    (「和美乡村工程：建成3个省级和美乡村精品村，完成农房风貌提升450户。」)."""
    texts = {
        point.get("modelId"): _diagram_text(point)
        for point in model.iter(_dgm("pt"))
        if point.get("type", "node") in _TEXT_POINTS
    }
    position = {node: index for index, node in enumerate(texts)}
    children: dict[str | None, list[tuple[int, str]]] = {}
    parent: dict[str, str | None] = {}
    for link in model.iter(_dgm("cxn")):
        if link.get("type", "parOf") == "parOf" and link.get("destId"):
            order = link.get("srcOrd", "")
            children.setdefault(link.get("srcId"), []).append((int(order) if order.isdecimal() else 0, link.get("destId")))
            parent[link.get("destId")] = link.get("srcId")
    rank = {node: order for linked in children.values() for order, node in linked}
    roots = sorted((node for node in texts if parent.get(node) not in texts), key=lambda node: (rank.get(node, 0), position[node]))
    lines = []
    for root in roots:
        below, seen = [], {root}
        stack = [node for _order, node in sorted(children.get(root, []), reverse=True)]
        while stack:
            node = stack.pop()
            if node in seen:  # a diagram whose connections loop
                continue
            seen.add(node)
            if texts.get(node):
                below.append(texts[node].rstrip("。；;，,"))
            stack += [child for _order, child in sorted(children.get(node, []), reverse=True)]
        line = f"{texts[root]}：{'；'.join(below)}" if texts[root] and below else texts[root] or "；".join(below)
        if line:
            lines.append(line if line[-1] in _SENTENCE_END else f"{line}。")
    return lines


def _diagram_text(point) -> str:
    """A SmartArt node's text (dgm:t): its paragraphs, a space between."""
    body = point.find(_dgm("t"))
    if body is None:
        return ""
    paragraphs = ("".join(run.text or "" for run in paragraph.iter(f"{{{DRAWING_NS}}}t")).strip() for paragraph in body.iter(f"{{{DRAWING_NS}}}p"))
    return " ".join(text for text in paragraphs if text)
