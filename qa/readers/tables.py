"""Tables → one sentence a row, as the rest of the pipeline reads report text.

Reports put their main indicators in a table (指标 | 单位 | 年度目标 | 完成值 | 完成率). Read cell by cell, or
row by row with the cells run together, a row is no sentence: the figure 「47.3」 stands cells away from
what it counts, its unit sits in another column or in the row's label (「社会消费品零售总额（亿元）」), and
what the column means (2023年完成, 2024年目标) is only in the header row. So each row is written out as
what it says: 「社会消费品零售总额（亿元）：年度目标46.0亿元 完成值47.3亿元 完成率102.8%。」 — the label as
written, each cell after its column's header, a bare number with the unit the table gives it (a 单位 column,
the label's or the header's brackets), and a full stop, so that the row is a sentence of its own for
search, the answer's spans and the highlight. Cells are parted by spaces, not 「，」: a row is one
clause about its label, and the answer step weighs a sentence clause by clause (`qa.highlight.clauses`),
where 「同比增长17.5%」 alone would name nothing. Every cell's text is kept as written.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Cell edges of a Word-family table (.doc, RTF) this close (twips) are one column edge of its grid.
GRID_TOLERANCE_TWIPS = 30


@dataclass(frozen=True)
class GridCell:
    """A table cell's place in its row, as the binary Word formats define it (.doc's sprmTDefTable, RTF's
    \\cellx): its left and right edge (twips), whether it is merged into the cell left of it, and whether
    it continues the cell above."""

    left: int
    right: int
    merged_into_left: bool = False
    continues_above: bool = False


def rows_on_grid(
    texts: list[list[str]],
    layouts: Sequence[Sequence[GridCell]],
    *,
    max_cells: int | None = None,
    spend: Callable[[int], None] | None = None,
) -> list[list[str]]:
    """Rows of cell texts → rows on the table's grid of columns (every cell edge of every row, within
    `GRID_TOLERANCE_TWIPS`): a cell spanning several columns in each, a cell merged into the one left of it
    or continuing the one above with that cell's text. A row whose layout is unknown or does not match its
    cells stays as it is; so does the whole table when its grid would pass `max_cells`. `spend` is told
    each row's width, for a reader that bounds its work."""
    distinct = {id(layout): layout for layout in layouts}.values()  # a layout several rows share, once
    edges: list[int] = []
    for edge in sorted({edge for layout in distinct for cell in layout for edge in (cell.left, cell.right)}):
        if not edges or edge - edges[-1] > GRID_TOLERANCE_TWIPS:
            edges.append(edge)
    if max_cells is not None and len(texts) * len(edges) > max_cells:
        return texts
    rows: list[list[str]] = []
    for cells, layout in zip(texts, layouts, strict=True):
        if len(layout) != len(cells) or len(edges) < 2:
            rows.append(cells)
            continue
        if spend is not None:
            spend(len(edges))
        row = [""] * (len(edges) - 1)
        for text, cell in zip(cells, layout, strict=True):
            first = bisect.bisect_right(edges, cell.left + GRID_TOLERANCE_TWIPS) - 1
            last = max(first + 1, bisect.bisect_right(edges, cell.right + GRID_TOLERANCE_TWIPS) - 1)
            first = max(0, min(first, len(row) - 1))
            if cell.continues_above and rows and first < len(rows[-1]):
                text = rows[-1][first]
            elif cell.merged_into_left and first > 0:
                text = row[first - 1]
            row[first:last] = [text] * (last - first)
        rows.append(row)
    return rows


#: A header naming the unit column.
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
#: A unit in brackets at the end of a label or header: 「税收收入（亿元）」「完成值(万元)」.
_BRACKETED_UNIT = re.compile(r"[（(]\s*([^（）()]{1,6}?)\s*[)）]$")
#: A cell that is a bare number, to which a unit can be added (a target may be a bound: 「≥80」).
_BARE_NUMBER = re.compile(r"^(?:[≥≤]|[<>]=?)?[-+]?\d+(?:[.,]\d+)*$")
#: Headers of columns whose numbers are changes or shares, never in the row's unit: 「同比增长」「完成率」.
_RELATIVE = re.compile(r"增长|增幅|增速|增减|下降|率|比|%|％")
#: What a unit is: a share, a currency, a count, a size or a weight; brackets holding other words (「通河路（一期）」) hold no unit.
_UNIT = re.compile(r"^(?:[%％‰]|[万亿千百]?(?:元|美元|平方米|平方公里|公里|米|吨|亩|公顷|家|个|人|人次|户|台|套|件|项|所|张|辆|座|条|幢|栋|处|场|次|份|名|位|间|床|千瓦|兆瓦|立方米)(?:次)?)$")


#: The unit a table's figures are given in, stated over it or in its title: 「单位：万元」「（总投资单位：万元）」.
_STATED_UNIT = re.compile(r"单位\s*[：:]\s*([^，,、；;：:（）()\s]{1,6})")


def stated_unit(text: str) -> str | None:
    """The unit a line over a table, or its title, says the table's figures are in (「单位：万元」), if any."""
    found = _STATED_UNIT.search(text)
    return found.group(1) if found and _UNIT.match(found.group(1)) else None


def table_sentences(rows: list[list[str]], unit: str | None = None) -> list[str]:
    """The rows of a table (cells as text, its header rows first when it has them) as one sentence each; a
    row whose cells hold paragraphs as a line per such cell, named by the row (one string, its lines apart).
    `unit`: the unit a line over the table states its figures in (`stated_unit`), for the bare numbers of
    columns that name no unit of their own and give no change."""
    rows = [[" ".join(cell.split()) for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    titles = []
    # a title merged across the table: its text in every cell, or in the first only (a converter writes a
    # merged cell once: MarkItDown's 「| 2025年河阳镇主要经济社会指标完成情况 | | | |」 over the header)
    while rows and len(rows[0]) >= 2 and (len(set(rows[0])) == 1 or (rows[0][0] and not any(rows[0][1:]))):
        titles.append(_sentence(rows.pop(0)[:1]))
        unit = stated_unit(titles[-1]) or unit
    if not rows:
        return titles
    if _is_form(rows):
        return [*titles, *(_form_row(row) for row in rows)]
    depth = _header_depth(rows)
    header = _column_names(rows[:depth]) if depth else None
    body = rows[depth:]
    if header is not None and len(header) > 2 and _SERIAL_HEADER.match(header[0]) and all(_SERIAL.match(row[0]) for row in body if row):
        # a column numbering the rows (序号 | 项目名称 | …) names nothing: the row is named by the column after it
        header, body = header[1:], [row[1:] for row in body]
    if header is not None and len(header) > 2 and _groups_rows(body):
        # a first column grouping the rows (类别 | 指标名称 | …, 「经济发展」 merged down its rows) names no row:
        # the column after it does, the group said after it (「地区生产总值（经济发展）」)
        header = header[1:]
        body = [[f"{row[1]}（{row[0]}）" if row[0] else row[1], *row[2:]] if len(row) > 2 else row for row in body]
    if header is None:
        return [*titles, *(_headerless_row([cell for cell in row if cell]) for row in body)]
    if depth == 1 and _is_transposed(header, body):
        return [*titles, *table_sentences([[header[0], *(row[0] for row in body)],
                                           *([name, *(row[i] if i < len(row) else "" for row in body)]
                                             for i, name in enumerate(header) if i)])]
    unit_column = next((i for i, name in enumerate(header) if _UNIT_HEADER.match(name)), None)
    stated = unit if unit_column is None else None  # a unit column says each row's unit itself
    sentences = list(titles)
    for row in body:
        if len(row) >= 2 and len(set(row)) == 1:  # one cell merged across the table: a group's name, or a note
            sentences.append(_group_label(row[0]))
            continue
        label, row_unit = row[0], _split_unit(row[0])[1]  # the label as written: 「森林覆盖率（%）」 is what a reader quotes
        if unit_column is not None and unit_column < len(row) and _UNIT.match(row[unit_column]):
            row_unit = row[unit_column]
        parts, prose = [], []
        for index, cell in enumerate(row[1:], start=1):
            if index == unit_column or not cell or cell in ("—", "-", "/", "——"):
                continue
            name, column_unit = _split_unit(header[index]) if index < len(header) else ("", None)
            if _PROSE.search(cell):
                prose.append(f"{name}：{cell}" if name else cell)
                continue
            unit = column_unit or (row_unit or stated if not _RELATIVE.search(name) else None)
            value = f"{cell}{unit}" if unit and _BARE_NUMBER.match(cell) else cell
            parts.append(f"{name}{value}")
        if prose:  # a table whose cells are paragraphs (2025年完成情况 | 2026年工作计划): a line each, in one row
            row_name = f"{label}：{' '.join(parts)}" if label and parts else label or " ".join(parts)
            sentences.append("\n".join(_sentence([row_name, text]) for text in prose))
        elif label and parts:  # a cell that ends a sentence itself (a glossary's meaning) gets no second stop
            sentences.append(_sentence([f"{label}：{' '.join(parts)}"]))
        elif label or parts:
            sentences.append(_sentence([label, *parts]))
    return sentences


#: The header of a column numbering the rows, and what its cells hold (「1」「2.」「3、」, or nothing).
_SERIAL_HEADER = re.compile(r"^(?:序号|编号|序|No\.?)$", re.IGNORECASE)
_SERIAL = re.compile(r"^(?:\d{1,3}[.．、]?)?$")
#: A row's label that names a year or a kind of figure (「2025年完成」「2026年目标」「上年同期」), not a thing counted.
_PERIOD_LABEL = re.compile(r"\d{4}\s*年|目标|完成|计划|预计|实际|上年|同期|同比")


#: A form's label: a few Chinese characters naming the field beside it (「拟稿单位」「密级」「签发」).
_FORM_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}$")


def _form_pairs(row: list[str]) -> list[str]:
    """A row's cells, a cell merged across several (repeated in each by `grid`) once."""
    return [cell for i, cell in enumerate(row) if i == 0 or cell != row[i - 1]]


def _is_form(rows: list[list[str]]) -> bool:
    """Whether a table is a form, not data: each row label, value, label, value (an office's 发文稿纸:
    「密级 | 公开 | 紧急程度 | 平件」), most rows two fields. Read with its first row as a header, each field
    ran under the title merged across that row (「密级：石矶县2026年政府工作报告…公开…」)."""
    rows = [_form_pairs(row) for row in rows]
    labels = [label for row in rows for label in row[::2]]
    return (
        len(rows) >= 3
        and all(len(row) % 2 == 0 for row in rows)
        and all(_FORM_LABEL.match(label) for label in labels)
        and len(set(labels)) == len(labels)  # each field once: a table's unit column repeats 「亿元」, its groups theirs
        and not any(_BARE_NUMBER.match(value) for row in rows for value in row[1::2])
        and sum(len(row) >= 4 for row in rows) * 2 >= len(rows)
    )


def _form_row(row: list[str]) -> str:
    """A form's row as its fields: 「密级：公开 紧急程度：平件。」"""
    cells = _form_pairs(row)
    return _sentence([f"{label}：{value}" for label, value in zip(cells[::2], cells[1::2], strict=True) if value])


def _groups_rows(body: list[list[str]]) -> bool:
    """Whether a table's first column groups its rows: its cells run in blocks of the same text (a cell merged
    down several rows, repeated in each by `grid`), fewer blocks than rows, while the second column names each
    row apart, in words."""
    rows = [row for row in body if len(row) > 2 and len(set(row)) > 1]
    if len(rows) < 3:
        return False
    blocks = [group for group, _ in itertools.groupby(row[0] for row in rows)]
    names = [row[1] for row in rows]
    return (
        len(blocks) < len(rows)
        and len(blocks) == len(set(blocks))
        and all(names) and len(set(names)) == len(names)
        and not any(_BARE_NUMBER.match(name.rstrip("%％")) for name in names)
    )


def _is_transposed(header: list[str], body: list[list[str]]) -> bool:
    """Whether a table runs its indicators across and its years down (指标在列: 「| 地区生产总值（亿元） |
    一般公共预算收入（万元） |」 over rows 「2025年目标」「2025年完成」): every row's label names a period or a
    kind of figure and the columns name none but carry the indicators' units. Read as it stands, each
    row would run every indicator together under 「2025年完成」; turned, each indicator is a sentence."""
    names = header[1:]
    return (
        len(names) >= 2
        and len(body) >= 2
        and all(row[0] and _PERIOD_LABEL.search(row[0]) and _split_unit(row[0])[1] is None for row in body)
        and not any(_PERIOD_LABEL.search(name) for name in names)
        and sum(_split_unit(name)[1] is not None for name in names) >= 2
    )


#: How many rows a header may take (「2025年」 over 「完成值 | 同比增长」).
MAX_HEADER_ROWS = 3


def names_no_figure(row: list[str]) -> bool:
    """Whether a row's cells name columns rather than give figures: no bare number, no sentence."""
    return not any(_BARE_NUMBER.match(cell.rstrip("%％")) or _SENTENCE_MARK.search(cell) for cell in row if cell)


def _header_depth(rows: list[list[str]]) -> int:
    """How many rows at the top name the columns: the first, when it holds no bare number, no sentence and
    no item's number (else the table has no header: a glossary's first row 「1.“四上”企业 | 规模以上工业企业…
    的统称。」 is its first term), and below it a row more for each header row that groups columns under one
    merged cell (「2025年」 over 「完成值 | 同比增长」), leaving a row of data at least."""
    def names_columns(row: list[str]) -> bool:
        return len(row) >= 2 and names_no_figure(row) and not _GROUP_NUMBERING.match(row[0])

    def groups(row: list[str]) -> bool:
        return any(a and a == b for a, b in itertools.pairwise(row))

    depth = 1 if len(rows) >= 2 and names_columns(rows[0]) else 0
    while depth and depth < min(MAX_HEADER_ROWS, len(rows) - 1) and groups(rows[depth - 1]) and names_columns(rows[depth]):
        depth += 1
    return depth


def _column_names(header_rows: list[list[str]]) -> list[str]:
    """Each column's name: its header cells top to bottom, a cell repeated by a merge said once
    (「2025年」 over 「完成值」 → 「2025年完成值」; 「指标」 spanning both rows → 「指标」)."""
    width = max(len(row) for row in header_rows)
    names = []
    for column in range(width):
        cells = [row[column] for row in header_rows if column < len(row) and row[column]]
        names.append("".join(dict.fromkeys(cells)))
    return names


def grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Rows of (text, rowspan, colspan) cells → rows of texts, a merged cell's text in every place it
    covers (a status spanning two projects' rows belongs to both)."""
    table: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in table:
                c += 1
            for dr in range(max(1, rowspan)):
                for dc in range(max(1, colspan)):
                    table[(r + dr, c + dc)] = text
            c += max(1, colspan)
    width = 1 + max((c for _, c in table), default=-1)
    return [[table.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _split_unit(text: str) -> tuple[str, str | None]:
    """A label or header and the unit it gives in brackets: 「税收收入（亿元）」 → (「税收收入」, 「亿元」)."""
    match = _BRACKETED_UNIT.search(text)
    if match and _UNIT.match(match.group(1)):
        return text[: match.start()].strip(), match.group(1)
    return text, None


#: The numbering a group of rows may carry (「一、经济规模」「（二）民生」): a table's own, not the report's.
_GROUP_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))\s*")


#: A cell that holds sentences, not a value: a sentence ends inside it (「…增长6.3%；完成固定资产投资…」).
_PROSE = re.compile(r"[。；！？](?=.)")
#: A sentence's mark, anywhere in a cell: no header cell holds one.
_SENTENCE_MARK = re.compile(r"[。；！？]")


def _group_label(text: str) -> str:
    """A row merged across the table names the rows below it (「经济总量与效益」, 「一、经济规模」): a line of
    its own, ending in 「：」 as a lead-in, without the table's numbering — at the head of a line, 「一、」
    would read as a part of the report. A note merged across (「注：…。」) stays a sentence."""
    label = _GROUP_NUMBERING.sub("", text) or text
    return label if label[-1:] in "。；！？：:" else f"{label}："


def _headerless_row(cells: list[str]) -> str:
    """A row of a table without a header: a label and the sentence it heads (a glossary's 「1.“完整社区” |
    在居民适宜步行范围内…的居住社区。」) as 「1.“完整社区”：在居民适宜步行范围内…」, else its cells in order."""
    if len(cells) == 2 and not _SENTENCE_MARK.search(cells[0]) and _SENTENCE_MARK.search(cells[1]):
        return _sentence([f"{cells[0].rstrip('：:')}：{cells[1]}"])
    return _sentence(cells)


def _sentence(cells: list[str]) -> str:
    text = " ".join(cell for cell in cells if cell)
    return text if not text or text[-1] in "。；！？" else f"{text}。"


def html_table_sentences(table, unit: str | None = None) -> list[str]:
    """An HTML `<table>` (a selectolax node) → its caption, then a row a sentence, merged cells in every
    place they cover; `unit` as `table_sentences` takes it, or stated in the caption."""
    def text(node) -> str:
        return " ".join((node.text(deep=True) or "").split())

    def span(cell, name: str) -> int:
        value = (cell.attributes.get(name) or "1").strip()
        return int(value) if value.isdecimal() else 1

    caption = [text(node) for node in table.css("caption") if text(node)]
    rows = [[(text(cell), span(cell, "rowspan"), span(cell, "colspan")) for cell in row.css("th, td")] for row in table.css("tr")]
    return caption + table_sentences(grid(rows), next(filter(None, map(stated_unit, caption)), unit))
