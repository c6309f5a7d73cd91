"""Legacy Word reports (.doc, Word 97–2003's binary format, [MS-DOC]): paragraphs, headings (by their
style or outline level), tables as text rows (merged cells in every place they cover), footnotes and
endnotes (numbered in the order the body cites them), text boxes after the paragraph they are anchored
in, as `qa.readers.docx` reads a .docx — so that a report saved in the old format reads the same as one
saved in the new. Field codes (a field's result is kept: a table of contents' entries, as the .docx
reader keeps them), tracked deletions, pictures, headers and footers (and their text boxes) and comments
are not part of the body and are left out.

The file is an OLE compound file (opened with olefile); the Word document inside it is parsed here,
because no maintained Python library reads it (antiword and wvWare are C programs, not on every
machine). What is read, in [MS-DOC]'s terms: the FIB at the head of the WordDocument stream (which of
0Table/1Table holds the document's tables, how many characters each part of the document has, where
its structures are); the piece table (Clx → PlcPcd), which gives the document's characters in order,
each piece either 8-bit (cp1252) or UTF-16LE; the paragraph properties (PlcBtePapx → PapxFkp), which
say which paragraphs are table cells, which one ends a table row and how the row's cells are laid out
(sprmTDefTable: their edges, vertical merges); the style sheet (STSH), for headings; the character
properties (PlcBteChpx → ChpxFkp), for tracked deletions; the footnote and endnote tables
(PlcffndRef/PlcffndTxt, PlcfendRef/PlcfendTxt); and the main text's text boxes (PlcftxbxTxt: which range
of the text-box story is which shape's; PlcSpaMom: where each shape is anchored in the main text).
Fast-saved files' property changes stored in the piece table (Prc) and Word 6/95 files are not read; an
encrypted file is refused.

Every count and offset in the file is checked against the bytes there are, so a damaged or hostile
file is refused with a message rather than read past its end, and nothing it says can make the reader
produce more text than the file holds.
"""

from __future__ import annotations

import bisect
import io
import itertools
import re
import struct
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import olefile

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.tables import GridCell, rows_on_grid, stated_unit, table_sentences

# ---------------------------------------------------------------- the FIB

#: FibBase.wIdent: a Word binary document.
WORD_IDENT = 0xA5EC
#: FibBase.nFib of Word 97, whose format this is; Word 6 and Word 95 wrote 101–105 (8-bit text, no table stream).
NFIB_WORD97 = 0xC1
#: FibBase flags: the document is encrypted (or XOR-obfuscated, which sets this bit too).
F_ENCRYPTED = 0x0100
#: FibBase flags: the table stream is 1Table (else 0Table).
F_WHICH_TBL_STM = 0x0200
FIB_FLAGS_OFFSET = 0x0A
#: Where FibBase ends and the FIB's counted arrays (fibRgW, fibRgLw, fibRgFcLcb) begin.
FIB_BASE_SIZE = 0x20
#: fibRgLw97: characters in the main text and in each following part (subdocument), in CP order: main text,
#: footnotes, headers, ccpMcr (index 6, always 0 and ignored), comments, endnotes, the main text's text boxes
#: (the headers' text boxes follow them, and are not read).
LW_CCP_TEXT, LW_CCP_FTN, LW_CCP_HDD, LW_CCP_ATN, LW_CCP_EDN, LW_CCP_TXBX = 3, 4, 5, 7, 8, 9
#: fibRgFcLcb97: (fc, lcb) pairs of the structures read, by index.
FC_STSHF, FC_PLCFFNDREF, FC_PLCFFNDTXT = 1, 2, 3
FC_PLCFBTECHPX, FC_PLCFBTEPAPX, FC_CLX = 12, 13, 33
FC_PLCSPAMOM, FC_PLCFENDREF, FC_PLCFENDTXT, FC_PLCFTXBXTXT = 40, 46, 47, 56

# ---------------------------------------------------------------- the piece table and properties

#: Clx: a Prc (property changes of a fast-saved file) and the Pcdt holding the piece table.
CLXT_PRC, CLXT_PCDT = 0x01, 0x02
#: Bytes of one Pcd (a piece's descriptor) and one CP.
PCD_SIZE, CP_SIZE = 8, 4
#: FcCompressed: the piece's text is 8-bit, at half its fc.
FC_COMPRESSED = 0x40000000
FC_MASK = 0x3FFFFFFF
#: Formatted disk pages (FKPs) of paragraph and character properties are 512-byte pages of WordDocument.
FKP_SIZE = 512
PN_MASK = 0x3FFFFF
#: A PapxFkp's BxPap: the PAPX's offset (in 2-byte words) then a 12-byte PHE.
BX_PAP_SIZE = 13
#: Operand sizes of a sprm by its spra (3 bits); 6 is variable, its size in the operand's first byte.
SPRA_SIZES = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
SPRA_VARIABLE = 6
#: The sprms read. Paragraph: in a table, ends a table row (TTP), table depth, a nested table's cell end and
#: row end, outline level, properties too big for an FKP (kept in the Data stream). Table: the row's cells.
#: Character: a tracked deletion.
SPRM_P_F_IN_TABLE = 0x2416
SPRM_P_F_TTP = 0x2417
SPRM_P_ITAP = 0x6649
SPRM_P_F_INNER_TABLE_CELL = 0x244B
SPRM_P_F_INNER_TTP = 0x244C
SPRM_P_OUT_LVL = 0x2640
SPRM_P_HUGE_PAPX = 0x6646
SPRM_T_DEF_TABLE = 0xD608
SPRM_T_VERT_MERGE = 0xD62B
SPRM_C_F_R_MARK_DEL = 0x0800
#: sprmPOutLvl of body text; 0–8 are heading levels 1–9.
OUTLINE_BODY = 9
#: TC80.tcgrf: the first of cells merged across (Word 97's own horizontal merge), one merged into it, a
#: cell continuing the one above, the first cell of a vertical merge.
TC_FIRST_MERGED, TC_MERGED, TC_VERT_MERGE, TC_VERT_RESTART = 0x01, 0x02, 0x20, 0x40
TC80_SIZE = 20
#: sprmTVertMerge's values: not merged, continues the cell above, begins a merge.
VERT_MERGE_NONE, VERT_MERGE_CONTINUE = 0, 1
#: Tables inside tables a paragraph may stand in: Word nests no deeper than 63; a file that says more is
#: read as if at this depth rather than opening a table for every level it claims.
MAX_TABLE_DEPTH = 64
#: Table cell edges (twips) closer than this are the same column's edge: rows typed by hand differ by a few.

# ---------------------------------------------------------------- text boxes

#: FTXBXS (an entry of PlcftxbxTxt): its size, and where its fReusable flag and its shape's lid sit in it.
#: A reusable entry (fReusable nonzero) is a spare — a deleted box's, or a shape's that a linked box's text
#: flows on into — not a box of its own.
FTXBXS_SIZE, FTXBXS_REUSABLE_OFFSET, FTXBXS_LID_OFFSET = 22, 8, 14
#: SPA (an entry of PlcSpaMom): its size; its first field is the shape's lid.
SPA_SIZE = 26

# ---------------------------------------------------------------- styles

#: STD.sti of the built-in styles "heading 1" … "heading 9".
STI_HEADING_1, STI_HEADING_9 = 1, 9
#: StdfBase: its size (Word 97; later versions append StdfPost2000), where sti and stk sit in its first
#: two 16-bit words (istdBase is the second word's upper 12 bits), and the stk of a paragraph style.
STDF_BASE_SIZE = 10
STI_MASK, STK_MASK = 0x0FFF, 0x000F
STK_PARAGRAPH = 1
_HEADING_NAME = re.compile(r"(?:heading|标题)\s*(\d)$", re.IGNORECASE)

# ---------------------------------------------------------------- characters

#: A paragraph's end, and a table cell's (or row's) end.
PARAGRAPH_MARK, CELL_MARK = "\r", "\x07"
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
NOTE_REFERENCE = "\x02"
#: What the other characters below U+0020 stand for in the text: a manual line break and a page or section
#: break part lines; a non-breaking hyphen is a hyphen; pictures (\x01), drawn objects (\x08), comment marks
#: (\x05), optional hyphens (\x1f) and the rest print nothing the report says.
_CONTROLS = {"\t": "\t", "\n": "\n", "\x0b": "\n", "\x0c": "\n", "\x1e": "-"}
_SPECIAL = re.compile(r"[\x00-\x1f]")
_MARKER = re.compile(r"<sup>\d+</sup>")
#: Compressed (8-bit) text is cp1252: read as Latin-1, then bytes 0x80–0x9F mapped to cp1252's characters
#: (its five unassigned bytes stand for the code points of the same value).
_CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    word, table, data_stream = _streams(path, data, limits)
    document = _Document(path, word, table, data_stream)
    lines = document.body_lines()
    lines += [f"<sup>{n}</sup> {text}" for n, text in document.notes() if text]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise IngestError(f"{path}: Word 文档中没有文字，请确认它是报告正文")
    return Decoded(text, "doc")


def _damaged(path: Path, what: str) -> IngestError:
    return IngestError(f"{path}: Word 文档（.doc）已损坏（{what}），请用 Word 或 WPS 打开后重新保存（或另存为 .docx）后重试")


def _streams(path: Path, data: bytes, limits: Limits) -> tuple[bytes, bytes, bytes]:
    """WordDocument, the table stream and the Data stream (empty when there is none), out of the OLE
    container; refused when the container is damaged, holds no Word document or is encrypted."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError) as error:  # olefile's OleFileError is an OSError
        raise _damaged(path, "不是完整的 OLE 复合文档") from error
    with ole:

        def is_stream(name: str) -> bool:  # a storage of that name (a damaged directory) is none
            return ole.get_type(name) == olefile.STGTY_STREAM

        if not is_stream("WordDocument"):
            raise IngestError(
                f"{path}: 文件是旧版 Office 文档，但不是 Word 文档（可能是 Excel 或 PowerPoint 文件），"
                "请提供报告的 Word、PDF 或网页文件"
            )
        names = ["WordDocument", "0Table", "1Table", "Data"]
        total = sum(ole.get_size(name) for name in names if is_stream(name))
        if total > limits.max_unpacked_bytes:
            raise IngestError(
                f"{path}: Word 文档过大（{total / 1048576:.0f} MB，上限 {limits.max_unpacked_bytes // 1048576} MB），"
                "未读取；请提供报告本身"
            )
        try:
            word = ole.openstream("WordDocument").read()
            if len(word) < FIB_BASE_SIZE or _u16(word, 0) != WORD_IDENT:
                raise _damaged(path, "文件头不是 Word 文档")
            flags = _u16(word, FIB_FLAGS_OFFSET)
            if flags & F_ENCRYPTED:
                raise IngestError(f"{path}: Word 文档已加密（设置了打开密码），无法读取；请在 Word 中取消密码，保存为未加密的文档后重试")
            if _u16(word, 2) < NFIB_WORD97:
                raise IngestError(f"{path}: 这是 Word 6.0/95 或更早版本的文档，不支持读取；请用 Word 或 WPS 另存为 .docx 后重试")
            table_name = "1Table" if flags & F_WHICH_TBL_STM else "0Table"
            if not is_stream(table_name):
                raise _damaged(path, f"缺少 {table_name} 流")
            table = ole.openstream(table_name).read()
            data_stream = ole.openstream("Data").read() if is_stream("Data") else b""
        except OSError as error:
            raise _damaged(path, "复合文档的流不完整") from error
    return word, table, data_stream


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """(sprm, operand) of each property in a grpprl, up to the first that runs past its end."""
    pos = 0
    while pos + 2 < len(grpprl):
        sprm = _u16(grpprl, pos)
        spra = sprm >> 13
        pos += 2
        if spra != SPRA_VARIABLE:
            size = SPRA_SIZES[spra]
        elif sprm == SPRM_T_DEF_TABLE:  # a 16-bit size, one more than the bytes after it
            if pos + 2 > len(grpprl):
                return
            size, pos = _u16(grpprl, pos) - 1, pos + 2
        else:
            size, pos = grpprl[pos], pos + 1
        if size < 0 or pos + size > len(grpprl):
            return
        yield sprm, grpprl[pos : pos + size]
        pos += size


@dataclass(frozen=True)
class _Piece:
    """A run of the document's characters stored together: from `cp`, at byte `fc` of WordDocument."""

    cp: int
    fc: int
    compressed: bool


@dataclass(frozen=True)
class _Props:
    """What a paragraph's properties say of it here: its style, outline level, and place in a table."""

    istd: int = 0
    outline: int | None = None
    in_table: bool = False
    depth: int = 0
    row_end: bool = False
    inner_cell_end: bool = False
    inner_row_end: bool = False
    cells: tuple[GridCell, ...] = ()

    @property
    def table_depth(self) -> int:
        """How deep in tables the paragraph is: 0 outside, 1 in a table, 2 in a table inside a cell …"""
        return max(self.depth, 1) if self.in_table or self.depth else 0


@dataclass(frozen=True)
class _Style:
    """A paragraph style: what says whether it is a heading, and the style it is based on (an istd)."""

    name: str
    based_on: int
    sti: int
    outline: int | None


@dataclass(frozen=True)
class _Paragraph:
    """A paragraph's text (fields resolved, marks and objects out) and the CP of the mark that ends it."""

    text: str
    mark: str
    cp: int


@dataclass
class _Row:
    """A table row: each cell's paragraphs and nested tables' lines, and the cells' layout (may be empty)."""

    cells: list[list[_Paragraph | list[str]]]
    layout: tuple[GridCell, ...] = ()


@dataclass
class _Table:
    """A table being read: its finished rows, the row and cell being filled, and the lines of tables
    nested in its cells."""

    unit: str | None
    rows: list[_Row] = field(default_factory=list)
    cells: list[list[_Paragraph | list[str]]] = field(default_factory=list)
    cell: list[_Paragraph | list[str]] = field(default_factory=list)

    def add(self, item: _Paragraph | list[str], ends_cell: bool) -> None:
        self.cell.append(item)
        if ends_cell:
            self.cells.append(self.cell)
            self.cell = []

    def end_row(self, layout: tuple[GridCell, ...]) -> None:
        if self.cell:  # a cell whose mark is missing (a damaged file) still belongs to the row
            self.cells.append(self.cell)
            self.cell = []
        self.rows.append(_Row(self.cells, layout))
        self.cells = []

    def finish(self) -> list[_Row]:
        """The table's rows, the last one even when no row mark ended it (a damaged file)."""
        if self.cell or self.cells:
            self.end_row(())
        return self.rows


class _Document:
    """The parts of a Word binary document that the text of its report needs."""

    def __init__(self, path: Path, word: bytes, table: bytes, data_stream: bytes) -> None:
        self.path, self.word, self.table, self.data_stream = path, word, table, data_stream
        self._read_fib()
        self.pieces = self._piece_table()
        self.piece_cps = [piece.cp for piece in self.pieces]
        self.text = "".join(self._piece_text(i) for i in range(len(self.pieces) - 1))
        parts = (self.ccp_text, self.ccp_ftn, self.ccp_hdd, self.ccp_atn, self.ccp_edn)
        if sum(parts) > len(self.text) or min(parts) < 0:
            raise _damaged(path, "正文长度与片段表不符")
        self.paragraph_runs = self._fkp_runs(FC_PLCFBTEPAPX, self._papx_grpprls)
        self.paragraph_run_starts = [start for start, _, _ in self.paragraph_runs]
        self.deleted = self._deleted_cps()
        self.styles = self._stylesheet()
        footnotes = self._notes(FC_PLCFFNDREF, FC_PLCFFNDTXT, self.ccp_text, self.ccp_ftn)
        endnote_start = self.ccp_text + self.ccp_ftn + self.ccp_hdd + self.ccp_atn
        endnotes = self._notes(FC_PLCFENDREF, FC_PLCFENDTXT, endnote_start, self.ccp_edn)
        self.note_numbers, self.note_ranges = _numbered(footnotes + endnotes)

    # ------------------------------------------------------------ structure

    def _read_fib(self) -> None:
        """The counts and (fc, lcb) pairs of the FIB, each array as long as the file says it is."""
        word, pos = self.word, FIB_BASE_SIZE
        try:
            csw = _u16(word, pos)
            pos += 2 + 2 * csw
            cslw = _u16(word, pos)
            lw = struct.unpack_from(f"<{cslw}i", word, pos + 2)
            pos += 2 + 4 * cslw
            cb_rg_fc_lcb = _u16(word, pos)
            self.fc_lcb = struct.unpack_from(f"<{2 * cb_rg_fc_lcb}I", word, pos + 2)
        except struct.error as error:
            raise _damaged(self.path, "文件信息块（FIB）不完整") from error
        if len(lw) <= LW_CCP_EDN or cb_rg_fc_lcb <= FC_CLX:
            raise _damaged(self.path, "文件信息块（FIB）过短")
        self.ccp_text, self.ccp_ftn, self.ccp_hdd = lw[LW_CCP_TEXT], lw[LW_CCP_FTN], lw[LW_CCP_HDD]
        self.ccp_atn, self.ccp_edn = lw[LW_CCP_ATN], lw[LW_CCP_EDN]
        self.ccp_txbx = lw[LW_CCP_TXBX] if len(lw) > LW_CCP_TXBX else 0

    def _table_bytes(self, index: int) -> bytes:
        """The bytes of the table-stream structure at fibRgFcLcb `index`, empty when the file has none
        (or names one past the stream's end, as a damaged file may)."""
        if 2 * index + 1 >= len(self.fc_lcb):
            return b""
        fc, lcb = self.fc_lcb[2 * index], self.fc_lcb[2 * index + 1]
        return self.table[fc : fc + lcb] if lcb and fc + lcb <= len(self.table) else b""

    def _piece_table(self) -> list[_Piece]:
        """The Clx's pieces in CP order, with the CP after the last as a sentinel piece."""
        clx = self._table_bytes(FC_CLX)
        pos = 0
        while pos + 3 <= len(clx) and clx[pos] == CLXT_PRC:  # its size read unsigned: each Prc advances
            pos += 3 + _u16(clx, pos + 1)
        if pos + 5 > len(clx) or clx[pos] != CLXT_PCDT:
            raise _damaged(self.path, "找不到片段表")
        lcb = _u32(clx, pos + 1)
        plc = clx[pos + 5 : pos + 5 + lcb]
        count = (lcb - CP_SIZE) // (CP_SIZE + PCD_SIZE)
        if len(plc) != lcb or count < 1 or lcb != CP_SIZE * (count + 1) + PCD_SIZE * count:
            raise _damaged(self.path, "片段表长度不符")
        cps = struct.unpack_from(f"<{count + 1}I", plc)
        if cps[0] != 0 or list(cps) != sorted(cps):
            raise _damaged(self.path, "片段表的字符位置无序")
        # a sound file stores each character once, in at least a byte: pieces that claim more reuse bytes
        if cps[-1] > len(self.word):
            raise _damaged(self.path, "片段表的字符数超过文件大小")
        pieces = []
        for i in range(count):
            raw_fc = _u32(plc, CP_SIZE * (count + 1) + PCD_SIZE * i + 2)
            compressed = bool(raw_fc & FC_COMPRESSED)
            fc = (raw_fc & FC_MASK) // 2 if compressed else raw_fc & FC_MASK
            if fc + (cps[i + 1] - cps[i]) * (1 if compressed else 2) > len(self.word):
                raise _damaged(self.path, "片段表指向文件之外")
            pieces.append(_Piece(cps[i], fc, compressed))
        pieces.append(_Piece(cps[-1], 0, False))
        return pieces

    def _piece_text(self, index: int) -> str:
        piece, end = self.pieces[index], self.pieces[index + 1].cp
        if piece.compressed:
            return self.word[piece.fc : piece.fc + end - piece.cp].decode("latin-1").translate(_CP1252)
        return self.word[piece.fc : piece.fc + 2 * (end - piece.cp)].decode("utf-16-le", errors="replace")

    def _fc_of(self, cp: int) -> int | None:
        """Where in WordDocument the character at `cp` is stored."""
        index = bisect.bisect_right(self.piece_cps, cp) - 1
        if not 0 <= index < len(self.pieces) - 1:
            return None
        piece = self.pieces[index]
        return piece.fc + (cp - piece.cp) * (1 if piece.compressed else 2)

    def _fkp_runs(self, index: int, grpprls: Callable[[bytes, int], Iterator[bytes]]) -> list[tuple[int, int, bytes]]:
        """(first fc, fc after the last, grpprl) of every run of the FKPs the PlcBte at fibRgFcLcb `index`
        lists, sorted; each page read once however often the table lists it."""
        plc = self._table_bytes(index)
        count = (len(plc) - CP_SIZE) // (2 * CP_SIZE)
        if count < 1:
            return []
        pages = sorted({_u32(plc, CP_SIZE * (count + 1) + CP_SIZE * i) & PN_MASK for i in range(count)})
        runs = []
        for pn in pages:
            page = self.word[pn * FKP_SIZE : (pn + 1) * FKP_SIZE]
            if len(page) < FKP_SIZE:
                continue
            crun = page[FKP_SIZE - 1]
            if CP_SIZE * (crun + 1) > FKP_SIZE - 1:
                continue
            fcs = struct.unpack_from(f"<{crun + 1}I", page)
            runs += [(fcs[i], fcs[i + 1], grpprl) for i, grpprl in enumerate(grpprls(page, crun)) if fcs[i] < fcs[i + 1]]
        runs.sort(key=lambda run: run[0])
        return runs

    def _papx_grpprls(self, page: bytes, crun: int) -> Iterator[bytes]:
        """Each run's GrpPrlAndIstd (an istd, then the paragraph's sprms) in a PapxFkp."""
        base = CP_SIZE * (crun + 1)
        for i in range(crun):
            at = base + BX_PAP_SIZE * i
            offset = 2 * page[at] if at < FKP_SIZE else 0
            if not offset or offset >= FKP_SIZE - 1:
                yield b""
                continue
            cb = page[offset]
            yield page[offset + 2 : offset + 2 + 2 * page[offset + 1]] if cb == 0 else page[offset + 1 : offset + 2 * cb]

    @staticmethod
    def _chpx_grpprls(page: bytes, crun: int) -> Iterator[bytes]:
        """Each run's sprms in a ChpxFkp."""
        base = CP_SIZE * (crun + 1)
        for i in range(crun):
            offset = 2 * page[base + i] if base + i < FKP_SIZE else 0
            yield page[offset + 1 : offset + 1 + page[offset]] if offset and offset < FKP_SIZE - 1 else b""

    def _deleted_cps(self) -> list[tuple[int, int]]:
        """CP ranges of tracked deletions (text struck through in Word, still in the file), merged and sorted."""
        deleted_fcs: list[tuple[int, int]] = []
        for start, end, grpprl in self._fkp_runs(FC_PLCFBTECHPX, self._chpx_grpprls):
            if any(sprm == SPRM_C_F_R_MARK_DEL and operand[0] & 1 for sprm, operand in _sprms(grpprl)):
                if deleted_fcs and start <= deleted_fcs[-1][1]:
                    deleted_fcs[-1] = (deleted_fcs[-1][0], max(end, deleted_fcs[-1][1]))
                else:
                    deleted_fcs.append((start, end))
        if not deleted_fcs:
            return []
        starts = [start for start, _ in deleted_fcs]
        cps = []
        for piece, following in itertools.pairwise(self.pieces):
            width = 1 if piece.compressed else 2
            piece_end = piece.fc + width * (following.cp - piece.cp)
            for start, end in deleted_fcs[max(0, bisect.bisect_right(starts, piece.fc) - 1) :]:
                if start >= piece_end:
                    break
                first, last = max(start, piece.fc), min(end, piece_end)
                if first < last:
                    cps.append((piece.cp + (first - piece.fc) // width, piece.cp + -(-(last - piece.fc) // width)))
        return sorted(cps)

    def _props(self, cp: int) -> _Props:
        """The properties of the paragraph whose mark is at `cp`."""
        fc = self._fc_of(cp)
        index = bisect.bisect_right(self.paragraph_run_starts, fc) - 1 if fc is not None else -1
        if index < 0 or fc >= self.paragraph_runs[index][1]:
            return _Props()
        grpprl_and_istd = self.paragraph_runs[index][2]
        if len(grpprl_and_istd) < 2:
            return _Props()
        props = _Props(istd=_u16(grpprl_and_istd, 0))
        flags = {SPRM_P_F_IN_TABLE: "in_table", SPRM_P_F_TTP: "row_end", SPRM_P_F_INNER_TABLE_CELL: "inner_cell_end",
                 SPRM_P_F_INNER_TTP: "inner_row_end"}
        for sprm, operand in self._paragraph_sprms(grpprl_and_istd[2:]):
            if sprm in flags:
                props = replace(props, **{flags[sprm]: bool(operand[0])})
            elif sprm == SPRM_P_ITAP:
                props = replace(props, depth=min(max(0, struct.unpack("<i", operand)[0]), MAX_TABLE_DEPTH))
            elif sprm == SPRM_P_OUT_LVL:
                props = replace(props, outline=operand[0])
            elif sprm == SPRM_T_DEF_TABLE:
                props = replace(props, cells=_cell_layout(operand))
            elif sprm == SPRM_T_VERT_MERGE and len(operand) >= 3:
                props = replace(props, cells=_vertically_merged(props.cells, operand[1], operand[2]))
        return props

    def _paragraph_sprms(self, grpprl: bytes) -> Iterator[tuple[int, bytes]]:
        """A paragraph's sprms, with those of a row too wide for its FKP read from the Data stream
        (sprmPHugePapx: a 16-bit size, then the sprms)."""
        for sprm, operand in _sprms(grpprl):
            if sprm == SPRM_P_HUGE_PAPX:
                at = _u32(operand, 0)
                if at + 2 <= len(self.data_stream):
                    yield from _sprms(self.data_stream[at + 2 : at + 2 + _u16(self.data_stream, at)])
            else:
                yield sprm, operand

    def _stylesheet(self) -> dict[int, _Style]:
        """The paragraph styles of the STSH by istd: name, base style, built-in identity (sti) and the outline
        level their own properties give."""
        stsh = self._table_bytes(FC_STSHF)
        if len(stsh) < 6:
            return {}
        cb_stshi = _u16(stsh, 0)
        if cb_stshi < 4 or 2 + cb_stshi > len(stsh):
            return {}
        cstd, cb_base = _u16(stsh, 2), _u16(stsh, 4)
        if cb_base < STDF_BASE_SIZE:
            return {}
        styles: dict[int, _Style] = {}
        pos = 2 + cb_stshi
        for istd in range(cstd):
            if pos + 2 > len(stsh):
                break
            size = _u16(stsh, pos)
            std = stsh[pos + 2 : pos + 2 + size]
            pos += 2 + size
            if size < cb_base + 2 or _u16(std, 2) & STK_MASK != STK_PARAGRAPH:
                continue
            cch = _u16(std, cb_base)
            name = std[cb_base + 2 : cb_base + 2 + 2 * cch].decode("utf-16-le", errors="replace")
            upx = cb_base + 2 + 2 * cch + 2  # after the name and its terminating null: always an even offset
            outline = None
            if upx + 4 <= len(std):  # UpxPapx: its size, the style's istd, its sprms
                grpprl = std[upx + 4 : upx + 2 + _u16(std, upx)]
                outline = next((operand[0] for sprm, operand in _sprms(grpprl) if sprm == SPRM_P_OUT_LVL), outline)
            styles[istd] = _Style(name, _u16(std, 2) >> 4, _u16(std, 0) & STI_MASK, outline)
        return styles

    def _notes(self, ref_index: int, text_index: int, start: int, length: int) -> list[tuple[int | None, tuple[int, int]]]:
        """(CP of the reference in the main text, CP range of the text) of each note of one kind. A note whose
        reference is not known (the reference table is damaged) has None; a damaged text table gives the
        part's whole text as one note."""
        if length <= 0:
            return []
        refs_plc, texts_plc = self._table_bytes(ref_index), self._table_bytes(text_index)
        count = (len(refs_plc) - CP_SIZE) // (CP_SIZE + 2)
        refs = list(struct.unpack_from(f"<{count}I", refs_plc)) if count > 0 else []
        bounds = list(struct.unpack_from(f"<{len(texts_plc) // CP_SIZE}I", texts_plc))
        if len(bounds) < 2 or bounds != sorted(bounds) or bounds[-1] > length:
            bounds = [0, length]
        ranges = [(start + a, start + b) for a, b in itertools.pairwise(bounds)]
        if refs != sorted(refs) or any(ref >= self.ccp_text for ref in refs) or len(refs) > len(ranges):
            refs = []
        return [(refs[i] if i < len(refs) else None, note) for i, note in enumerate(ranges)]

    def _text_boxes(self) -> list[tuple[int | None, tuple[int, int]]]:
        """(CP of its shape's anchor in the main text, or None when no shape of the main text has its lid; CP
        range of its text) of each text box of the main text, in the order of the text-box story. A linked
        chain of boxes shares one range, named once: its other shapes' entries are reusable, as are spares,
        and are skipped, so no text is read twice. A PlcftxbxTxt whose CPs are out of order or outside the
        story gives no boxes: the report is read without them rather than from text that is not theirs."""
        start = self.ccp_text + self.ccp_ftn + self.ccp_hdd + self.ccp_atn + self.ccp_edn
        if self.ccp_txbx <= 0 or start + self.ccp_txbx > len(self.text):
            return []
        plc = self._table_bytes(FC_PLCFTXBXTXT)
        count = (len(plc) - CP_SIZE) // (CP_SIZE + FTXBXS_SIZE)
        if count < 1 or len(plc) != CP_SIZE * (count + 1) + FTXBXS_SIZE * count:
            return []
        cps = struct.unpack_from(f"<{count + 1}I", plc)
        if any(a >= b for a, b in itertools.pairwise(cps)) or cps[-1] > self.ccp_txbx:
            return []
        anchors = self._shape_anchors()
        boxes = []
        for i in range(count - 1):  # the last entry is always a spare, whatever its flag says
            at = CP_SIZE * (count + 1) + FTXBXS_SIZE * i
            if not _u16(plc, at + FTXBXS_REUSABLE_OFFSET):
                boxes.append((anchors.get(_u32(plc, at + FTXBXS_LID_OFFSET)), (start + cps[i], start + cps[i + 1])))
        return boxes

    def _shape_anchors(self) -> dict[int, int]:
        """The CP in the main text where each shape is anchored, by its lid (PlcSpaMom: the CP of each shape's
        anchor character, and one CP after them; then each shape's SPA). None at all when the table is damaged:
        its sizes do not agree, or its anchors are out of order or outside the main text."""
        plc = self._table_bytes(FC_PLCSPAMOM)
        count = (len(plc) - CP_SIZE) // (CP_SIZE + SPA_SIZE)
        if count < 1 or len(plc) != CP_SIZE * (count + 1) + SPA_SIZE * count:
            return {}
        cps = struct.unpack_from(f"<{count}I", plc)
        if any(a >= b for a, b in itertools.pairwise(cps)) or cps[-1] >= self.ccp_text:
            return {}
        anchors: dict[int, int] = {}
        for i, cp in enumerate(cps):
            anchors.setdefault(_u32(plc, CP_SIZE * (count + 1) + SPA_SIZE * i), cp)
        return anchors

    # ------------------------------------------------------------ text

    def paragraphs(self, start: int, end: int) -> list[_Paragraph]:
        """The paragraphs of CPs [start, end): each field's result kept and its instruction dropped (fields
        nest: a result shows only when every field around it is past its separator), tracked deletions
        dropped, a cited note's reference as its marker, the other control characters as `_CONTROLS`."""
        paragraphs: list[_Paragraph] = []
        parts: list[str] = []
        fields: list[bool] = []  # each open field: whether its result has begun
        hidden = 0  # open fields still in their instruction
        for kept_start, kept_end in self._kept(start, end):
            cp = kept_start
            while cp < kept_end:
                special = _SPECIAL.search(self.text, cp, kept_end)
                stop = special.start() if special else kept_end
                if not hidden:
                    parts.append(self.text[cp:stop])
                if special is None:
                    break
                char, cp = special.group(), stop + 1
                if char in (PARAGRAPH_MARK, CELL_MARK):
                    paragraphs.append(_Paragraph("".join(parts), char, stop))
                    parts = []
                elif char == FIELD_BEGIN:
                    fields.append(False)
                    hidden += 1
                elif char == FIELD_SEPARATOR and fields and not fields[-1]:
                    fields[-1] = True
                    hidden -= 1
                elif char == FIELD_END and fields:
                    if not fields.pop():  # a field without a result ends in its instruction
                        hidden -= 1
                elif hidden:
                    continue
                elif char == NOTE_REFERENCE and stop in self.note_numbers:
                    parts.append(f"<sup>{self.note_numbers[stop]}</sup>")
                else:
                    parts.append(_CONTROLS.get(char, ""))
        if "".join(parts).strip():
            paragraphs.append(_Paragraph("".join(parts), "", end))
        return paragraphs

    def _kept(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """[start, end) less the tracked deletions, as ranges."""
        for deleted_start, deleted_end in self.deleted[max(0, bisect.bisect_right(self.deleted, (start,)) - 1) :]:
            if deleted_start >= end:
                break
            if deleted_end <= start:
                continue
            if deleted_start > start:
                yield start, deleted_start
            start = max(start, deleted_end)
        if start < end:
            yield start, end

    def body_lines(self) -> list[str]:
        """The main text's lines, with each text box's lines after the paragraph its shape is anchored in, as
        `qa.readers.docx` places them: a sidebar of figures (「专栏」) sits in a floating box, and its figures
        are the report's as much as the body's are. A box whose anchor is not known (its shape's lid is in no
        anchor, or the anchors are damaged) follows the main text rather than be lost."""
        anchored: list[tuple[int, list[str]]] = []
        unanchored: list[str] = []
        for anchor, (start, end) in self._text_boxes():
            box = self._lines(start, end, deque())
            if anchor is None:
                unanchored += box
            else:
                anchored.append((anchor, box))
        anchored.sort(key=lambda item: item[0])
        boxes = deque(anchored)
        lines = self._lines(0, self.ccp_text, boxes)
        return lines + [line for _, box in boxes for line in box] + unanchored

    def _lines(self, start: int, end: int, boxes: deque[tuple[int, list[str]]]) -> list[str]:
        """The lines of CPs [start, end): a paragraph a line (a heading with its `#`s), a table a sentence a
        row, a table inside a cell after the table it is in, unless that table only frames the page. `boxes`
        are text boxes' lines by their anchor's CP, in order: each is taken from it and placed after the
        paragraph holding its anchor (a box anchored in a table's cell as a table in that cell is: in place
        in a table that frames the page, after a table of data); a box whose paragraph ends no cell or line
        (a row's end) waits for the next paragraph."""
        lines: list[str] = []
        tables: list[_Table] = []  # the tables open around the paragraph, outermost first
        for paragraph in self.paragraphs(start, end):
            props = self._props(paragraph.cp)
            depth = props.table_depth or (1 if paragraph.mark == CELL_MARK else 0)
            while len(tables) > depth:
                finished = self._table_lines(tables.pop())
                if tables:
                    tables[-1].add(finished, ends_cell=False)
                else:
                    lines += finished
            if not depth:
                lines.append(self._line(paragraph, props))
                lines += _anchored_in(boxes, paragraph.cp)
                continue
            while len(tables) < depth:
                tables.append(_Table(stated_unit(lines[-1]) if lines and not tables else None))
            if (depth == 1 and props.row_end) or (depth > 1 and props.inner_row_end):
                tables[-1].end_row(props.cells)
            else:
                ends_cell = paragraph.mark == CELL_MARK if depth == 1 else props.inner_cell_end
                placed = _anchored_in(boxes, paragraph.cp)
                tables[-1].add(paragraph, ends_cell and not placed)
                if placed:
                    tables[-1].add(placed, ends_cell)
        while tables:
            finished = self._table_lines(tables.pop())
            if tables:
                tables[-1].add(finished, ends_cell=False)
            else:
                lines += finished
        return lines

    def _table_lines(self, table: _Table) -> list[str]:
        """As `qa.readers.docx` reads a table: a row a sentence (`qa.readers.tables`), a merged cell's text
        in every place it covers; a table of one column, which lays out a page rather than holding data,
        as the lines its cells hold; tables inside the cells of a table of data after it."""
        rows = table.finish()
        if all(len(row.cells) <= 1 for row in rows):
            return [line for row in rows for cell in row.cells for item in cell for line in self._item_lines(item)]
        inner = [line for row in rows for cell in row.cells for item in cell if isinstance(item, list) for line in item]
        texts = [
            ["".join(_plain(item.text) for item in cell if isinstance(item, _Paragraph)).strip() for cell in row.cells]
            for row in rows
        ]
        return table_sentences(rows_on_grid(texts, [row.layout for row in rows]), table.unit) + inner

    def _item_lines(self, item: _Paragraph | list[str]) -> list[str]:
        return item if isinstance(item, list) else [self._line(item, self._props(item.cp))]

    def _line(self, paragraph: _Paragraph, props: _Props) -> str:
        body = paragraph.text.strip()
        level = self._heading_level(props) if body else 0
        return f"{'#' * min(level, 6)} {body}" if level else body

    def _heading_level(self, props: _Props) -> int:
        """A paragraph's heading level, 0 for body text: its own outline level, else its style's — a
        built-in heading style, one named so (「标题 2」), or one with an outline level — or the style's
        it is based on."""
        if props.outline is not None:
            return props.outline + 1 if props.outline < OUTLINE_BODY else 0
        istd, seen = props.istd, set()
        while istd in self.styles and istd not in seen:
            seen.add(istd)
            style = self.styles[istd]
            if STI_HEADING_1 <= style.sti <= STI_HEADING_9:
                return style.sti
            named = _HEADING_NAME.match(style.name.strip())
            if named:
                return int(named.group(1))
            if style.outline is not None:
                return style.outline + 1 if style.outline < OUTLINE_BODY else 0
            istd = style.based_on
        return 0

    def notes(self) -> list[tuple[int, str]]:
        """(number, text) of every footnote and endnote, its paragraphs run together as one line."""
        notes = []
        for number, (start, end) in self.note_ranges:
            text = " ".join(paragraph.text for paragraph in self.paragraphs(start, end))
            notes.append((number, " ".join(_plain(text).split())))
        return notes



def _numbered(notes: list[tuple[int | None, tuple[int, int]]]) -> tuple[dict[int, int], list[tuple[int, tuple[int, int]]]]:
    """Footnotes and endnotes numbered together in the order the main text cites them, as Word's own
    numbering of a .docx is read; notes cited nowhere after them. Returns the number of each reference's
    CP and (number, text range) of every note."""
    cited = sorted((ref, note) for ref, note in notes if ref is not None)
    uncited = [note for ref, note in notes if ref is None]
    numbers = {ref: n for n, (ref, _) in enumerate(cited, start=1)}
    ranges = [(n, note) for n, (_, note) in enumerate(cited, start=1)]
    ranges += [(n, note) for n, note in enumerate(uncited, start=len(cited) + 1)]
    return numbers, ranges


def _anchored_in(boxes: deque[tuple[int, list[str]]], cp: int) -> list[str]:
    """The lines of the text boxes anchored at or before `cp` (the paragraph mark of the paragraph being
    read), taken from `boxes` (sorted by anchor)."""
    lines: list[str] = []
    while boxes and boxes[0][0] <= cp:
        lines += boxes.popleft()[1]
    return lines


def _plain(text: str) -> str:
    """A cell's or a note's text: without note markers, its manual line breaks as spaces."""
    return _MARKER.sub("", text).replace("\n", " ")


def _cell_layout(operand: bytes) -> tuple[GridCell, ...]:
    """The cells of a row from sprmTDefTable's operand (its size already taken): itcMac, the itcMac + 1
    cell edges, then a TC80 for each cell (Word may write fewer, the rest default)."""
    if not operand:
        return ()
    count = operand[0]
    if len(operand) < 1 + 2 * (count + 1):
        return ()
    edges = struct.unpack_from(f"<{count + 1}h", operand, 1)
    tcs_at = 1 + 2 * (count + 1)
    cells = []
    for i in range(count):
        at = tcs_at + TC80_SIZE * i
        flags = _u16(operand, at) if at + 2 <= len(operand) else 0
        cells.append(GridCell(edges[i], edges[i + 1], bool(flags & TC_MERGED),
                           bool(flags & TC_VERT_MERGE) and not flags & TC_VERT_RESTART))
    return tuple(cells)


def _vertically_merged(cells: tuple[GridCell, ...], index: int, merge: int) -> tuple[GridCell, ...]:
    """`cells` with sprmTVertMerge applied to cell `index`: it continues the cell above, or no longer does."""
    if index >= len(cells):
        return cells
    changed = GridCell(cells[index].left, cells[index].right, cells[index].merged_into_left, merge == VERT_MERGE_CONTINUE)
    return (*cells[:index], changed, *cells[index + 1 :])


