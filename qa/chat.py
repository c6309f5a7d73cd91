"""The chat's own logic, free of Gradio so that each piece is unit-tested: input limits, follow-up
questions (「那2025年呢？」), an `Answer` → chat messages (escaped HTML), and the feedback log.

Every piece of text that reaches the page — the question, the answer sentences, passages, titles,
footnotes — is HTML-escaped here: Gradio renders message content as markdown + HTML and only
sanitizes it. Message bodies are single HTML blocks (`<div …>` with `<br>` for line breaks and no blank
line), so markdown does not reinterpret the escaped text either.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qa.documents import page_label
from qa.patterns import HALF_YEAR, YEAR, short_town_name
from qa.text import replace_surrogates

if TYPE_CHECKING:
    from qa.answer import Answer
    from qa.index import IndexedDocument
    from qa.search import Hit

#: Questions are cut to this many characters (with a notice in the reply).
MAX_QUESTION_CHARS = 500
#: How many of the closest passages a reply shows when the reports do not answer.
MAX_RELATED = 3
#: Characters of a section shown on each side of the passage in its context.
CONTEXT_MARGIN = 1200

SECTION_SEPARATOR = " › "
NOT_ANSWERABLE_NOTE = "以下是与问题最接近的段落，仅供参考，它们并不能直接回答这个问题。"

#: A message as Gradio's Chatbot takes it ("messages" format).
Message = dict


# ---------------------------------------------------------------- input


def prepare_question(text: str | None) -> tuple[str, str | None]:
    """The question as it will be asked, and a notice when it had to be cut. Empty or whitespace-only
    input gives ("", None): the chat then does nothing."""
    question = replace_surrogates(text or "").strip()
    if len(question) <= MAX_QUESTION_CHARS:
        return question, None
    notice = f"问题过长（{len(question)} 字），只取前 {MAX_QUESTION_CHARS} 字作答。"
    return question[:MAX_QUESTION_CHARS].rstrip(), notice


# ---------------------------------------------------------------- follow-up questions

_TRAILING_PUNCTUATION = re.compile(r"[\s？?。.!！,，、~～…]+$")
_FOLLOWUP_HEAD = re.compile(r"^(那么|那|还有|再看看|换成|改成)")
_FOLLOWUP_TAIL = re.compile(r"(呢|怎么样|怎样|如何|又如何|情况如何|是多少|多少)$")
#: Words that carry no topic of their own in an elliptical follow-up.
_FILLER = re.compile(
    r"那么|那|还有|再看看|换成|改成|呢|怎么样|怎样|如何|情况|又|是|的|在|呀|啊|吗|方面|这个|时候|时|里|中|"
    r"年度|年|全年|同期|多少"
)
_ENGLISH_FOLLOWUP = re.compile(r"^(?:and|what about|how about)\b(?P<rest>.*)$", re.IGNORECASE)
_ENGLISH_FILLER = re.compile(r"\b(?:in|for|the|year|then|town|of)\b|[\s?.,!]", re.IGNORECASE)


def _towns_in(text: str, known_towns: Iterable[str]) -> list[tuple[str, str]]:
    """(town, the spelling the text uses) for each known town the text names, full name first."""
    found = []
    for town in known_towns:
        short = short_town_name(town)
        if town in text:
            found.append((town, town))
        elif len(short) >= 2 and short in text:
            found.append((town, short))
    return found


def _is_elliptical(question: str, known_towns: Sequence[str]) -> bool:
    """True for 「那2025年呢？」「高境镇呢」「那下半年怎么样？」: a follow-up marker or a very short
    question, naming a year/half/town, and no words of a topic of its own."""
    core = _TRAILING_PUNCTUATION.sub("", question.strip())
    english = _ENGLISH_FOLLOWUP.match(core)
    if english:
        rest = _ENGLISH_FILLER.sub("", YEAR.sub("", english.group("rest")))
        return bool(YEAR.search(core)) and not rest
    names_something = bool(YEAR.search(core) or HALF_YEAR.search(core) or _towns_in(core, known_towns))
    marked = bool(_FOLLOWUP_HEAD.search(core) or _FOLLOWUP_TAIL.search(core)) or len(core) <= 8
    rest = core
    for _, spelling in _towns_in(core, known_towns):
        rest = rest.replace(spelling, "")
    rest = _FILLER.sub("", HALF_YEAR.sub("", YEAR.sub("", rest)))
    rest = re.sub(r"[\s\W_]+", "", rest)
    return names_something and marked and not rest


def resolve_followup(question: str, previous_question: str | None, known_towns: Sequence[str]) -> str:
    """The question to ask for a follow-up turn.

    An elliptical follow-up (「那2025年呢？」, 「高境镇呢？」, 「那下半年怎么样？」, "What about 2025?")
    becomes the previous question with the year, half-year and town it names put in place of the
    previous ones (the town and the topic of the previous turn are kept). A 「那…呢？」 follow-up with
    a topic of its own but no town keeps the previous town. Any other question is returned unchanged.
    """
    if not previous_question:
        return question
    if not _is_elliptical(question, known_towns):
        return _carry_town(question, previous_question, known_towns)
    resolved = previous_question
    new_years = [m.group(1) for m in YEAR.finditer(question)]
    new_halves = [m.group(0) for m in HALF_YEAR.finditer(question)]
    new_towns = [town for town, _ in _towns_in(question, known_towns)]

    if new_towns:
        old_towns = _towns_in(resolved, known_towns)
        resolved = resolved.replace(old_towns[0][1], new_towns[0]) if old_towns else new_towns[0] + resolved

    if new_years:
        old_years = list(dict.fromkeys(m.group(1) for m in YEAR.finditer(resolved)))
        if old_years:
            for old, new in zip(old_years, new_years, strict=False):
                resolved = resolved.replace(old, new)
        else:
            resolved = _insert_period(resolved, f"{new_years[0]}年", known_towns)

    if new_halves:
        old_half = HALF_YEAR.search(resolved)
        if old_half:
            resolved = resolved[: old_half.start()] + new_halves[0] + resolved[old_half.end() :]
        else:
            year = YEAR.search(resolved)
            if year and year.group(0).endswith("年"):
                resolved = resolved[: year.end()] + new_halves[0] + resolved[year.end() :]
            else:
                resolved = _insert_period(resolved, new_halves[0], known_towns)
    return resolved


def _carry_town(question: str, previous_question: str, known_towns: Sequence[str]) -> str:
    """A follow-up with a topic of its own (「那2025年的目标呢？」) names no town: it keeps the previous
    turn's town."""
    core = _TRAILING_PUNCTUATION.sub("", question.strip())
    if not (_FOLLOWUP_HEAD.search(core) and core.endswith("呢")) or _towns_in(question, known_towns):
        return question
    previous_towns = _towns_in(previous_question, known_towns)
    if not previous_towns:
        return question
    return previous_towns[0][0] + _FOLLOWUP_HEAD.sub("", question.strip())


def _insert_period(question: str, period: str, known_towns: Sequence[str]) -> str:
    """Put a year or half-year right after the town the question names, else in front."""
    towns = _towns_in(question, known_towns)
    if towns:
        spelling = towns[0][1]
        at = question.index(spelling) + len(spelling)
        return question[:at] + period + question[at:]
    return period + question


# ---------------------------------------------------------------- escaping and small pieces


def escape(text: str) -> str:
    """Text → HTML that shows it literally, line breaks kept."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#|~$")


def escape_inline(text: str) -> str:
    """Text → one line of HTML that shows it literally even where Gradio renders markdown (message
    titles): HTML-escaped, and markdown punctuation written as character references."""
    return "".join(
        f"&#{ord(ch)};" if ch in _MARKDOWN_PUNCTUATION else html.escape(ch, quote=True)
        for ch in " ".join(text.split())
    )


def marked(text: str, spans: Iterable[tuple[int, int]], offset: int = 0) -> str:
    """`text` escaped, with the character ranges `spans` (shifted by -`offset`) wrapped in <mark>."""
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        start, end = max(start - offset, cursor), min(end - offset, len(text))
        if start >= end:
            continue
        pieces += [escape(text[cursor:start]), "<mark>", escape(text[start:end]), "</mark>"]
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def report_label(town: str | None, title: str | None, date: str | None, source: str = "") -> str:
    """「大场镇 · 政府工作报告 · 2023-01-12」 (plain text)."""
    parts = [p for p in (town, title, date) if p]
    return " · ".join(parts) if parts else source


def cited_numbers(answer: Answer) -> list[int]:
    """The passage numbers [n] an answer cites, in order, each once."""
    if answer.status not in ("answered", "partial"):
        return []
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= len(answer.hits)]


def shown_hits(answer: Answer) -> list[tuple[int, Hit]]:
    """(number, hit) of the passages a reply shows: the cited ones, or the closest few."""
    if answer.status in ("answered", "partial"):
        return [(n, answer.hits[n - 1]) for n in cited_numbers(answer)]
    return list(enumerate(answer.hits[:MAX_RELATED], start=1))


# ---------------------------------------------------------------- Answer → messages

#: (report, section path, section text, passage offsets in it) as `Retriever.context` returns it.
Context = tuple["IndexedDocument", tuple[str, ...], str, tuple[int, int]]
ContextLookup = Callable[[str], Context]


def question_message(question: str) -> Message:
    """The user's turn, shown literally."""
    return {"role": "user", "content": f'<div class="qa-question">{escape(question)}</div>'}


def answer_messages(
    answer: Answer,
    *,
    asked_as: str | None = None,
    notice: str | None = None,
    context: ContextLookup | None = None,
    echo: bool = False,
) -> list[Message]:
    """One reply as chat messages: the answer (or a plain "not found"), then per shown passage a card
    with its citation, the passage with the answering sentences marked and its footnotes, and — when
    `context` is given — a collapsed message with the passage inside its section.

    `asked_as`: the question actually asked when it differs from what was typed (a resolved
    follow-up); `notice`: a line such as "question cut to 500 characters"; `echo`: repeat the question
    at the top (for API clients, which get the reply without the chat around it).
    """
    notes = []
    if notice:
        notes.append(f'<div class="qa-notice">⚠️ {escape(notice)}</div>')
    if asked_as:
        notes.append(f'<div class="qa-asked">按上文理解为：{escape(asked_as)}</div>')
    elif echo:
        notes.append(f'<div class="qa-asked">问：{escape(answer.question)}</div>')
    shown = shown_hits(answer)

    if answer.answerable:
        body = _with_reference_markers(escape(answer.answer))
        head = f'<div class="qa-answer">{"".join(notes)}<div class="qa-label">答</div><div>{body}</div></div>'
    elif answer.status == "partial":
        body = _with_reference_markers(escape(answer.answer))
        head = (
            f'<div class="qa-answer qa-partial">{"".join(notes)}'
            f'<div class="qa-label">部分回答：报告没有给出{escape(answer.missing or "")}</div><div>{body}</div></div>'
        )
    else:
        related = f'<div class="qa-muted">{NOT_ANSWERABLE_NOTE}</div>' if shown else ""
        head = (
            f'<div class="qa-answer qa-none">{"".join(notes)}'
            f'<div class="qa-label">未找到答案</div><div>{escape(answer.answer)}</div>{related}</div>'
        )
    messages: list[Message] = [{"role": "assistant", "content": head}]

    for n, hit in shown:
        cited = answer.status in ("answered", "partial")
        label = f"[{n}]" if cited else f"可能相关 [{n}]"
        title = f"{label} {report_label(hit.town, hit.title, hit.date, hit.source)}"
        messages.append(
            {
                "role": "assistant",
                "content": passage_html(hit, related=not cited),
                "metadata": {"title": escape_inline(title)},
            }
        )
        if context is not None:
            try:
                found = context(hit.chunk_id)
            except KeyError:
                continue
            messages.append(
                {
                    "role": "assistant",
                    "content": context_html(hit, found),
                    "metadata": {
                        "title": escape_inline(f"[{n}] 查看上下文：{_section_title(found[1])}"),
                        "status": "done",
                    },
                }
            )
    return messages


def _with_reference_markers(escaped_answer: str) -> str:
    return re.sub(r"\[(\d+)\]", r'<span class="qa-ref">[\1]</span>', escaped_answer)


def _section_title(path: Sequence[str]) -> str:
    return SECTION_SEPARATOR.join(path) if path else "全文"


def passage_html(hit: Hit, *, related: bool = False) -> str:
    """A cited passage: section path, text with the answering sentences marked, footnotes."""
    page = page_label(hit.page, hit.page_end)
    page_html = f' <span class="qa-page">{escape(page)}</span>' if page else ""
    path = f'<div class="qa-path">{escape(_section_title(hit.section_path))}{page_html}</div>'
    spans = () if related else hit.highlight_spans
    text = f'<div class="qa-passage">{marked(hit.text, spans)}</div>'
    return f'<div class="qa-cite">{path}{text}{footnotes_html(hit.footnotes)}</div>'


def footnotes_html(footnotes: Iterable) -> str:
    items = "".join(f"<li>注{note.n}：{escape(note.text)}</li>" for note in footnotes)
    return f'<ul class="qa-notes">{items}</ul>' if items else ""


def context_html(hit: Hit, context: Context) -> str:
    """The passage inside its enclosing section (cut to CONTEXT_MARGIN characters each side): the
    passage set off, its answering sentences marked."""
    document, path, text, (start, end) = context
    meta = document.metadata
    before, after = text[:start], text[end:]
    cut_before = len(before) > CONTEXT_MARGIN
    cut_after = len(after) > CONTEXT_MARGIN
    before = before[-CONTEXT_MARGIN:] if cut_before else before
    after = after[:CONTEXT_MARGIN] if cut_after else after
    passage = text[start:end]
    # The hit's highlight spans are offsets within hit.text; place them by where hit.text sits in the passage.
    shift = passage.find(hit.text) if hit.text else -1
    spans = [(s + shift, e + shift) for s, e in hit.highlight_spans] if shift >= 0 else []
    origin = report_label(meta.town, meta.title, meta.date, document.source)
    return (
        '<div class="qa-context">'
        f'<div class="qa-path">{escape(origin + SECTION_SEPARATOR + _section_title(path))}</div>'
        '<div class="qa-context-text">'
        f"{'…' if cut_before else ''}{escape(before)}"
        f'<span class="qa-in-context">{marked(passage, spans)}</span>'
        f"{escape(after)}{'…' if cut_after else ''}"
        "</div></div>"
    )


def reports_html(documents: Iterable[IndexedDocument]) -> str:
    """The list of indexed reports for the page header: town, title, date (and the meeting)."""
    rows = []
    documents = list(documents)
    for document in documents:
        meta = document.metadata
        rows.append(
            "<tr>"
            f"<td>{escape(meta.town or '—')}</td>"
            f"<td>{escape(meta.title or document.source)}"
            f'<div class="qa-muted">{escape(meta.meeting or "")}</div></td>'
            f"<td>{escape(meta.date or '—')}</td>"
            "</tr>"
        )
    return (
        f'<div class="qa-muted">已收录 {len(documents)} 份报告</div>'
        '<table class="qa-reports"><thead><tr><th>镇</th><th>报告</th><th>日期</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def strip_tags(content: str) -> str:
    """Message HTML → its visible text, a line per block (for logs and tests)."""
    text = re.sub(r"<br>|</(?:div|li|tr|p)>", "\n", content)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


# ---------------------------------------------------------------- feedback


@dataclass(frozen=True)
class Turn:
    """What a reply was about, kept per session so that a 👍/👎 can be logged with it."""

    index: int  # position of the reply's first message in the chat history
    question: str  # as typed (after cutting)
    asked: str  # as asked (a follow-up resolved)
    answer: str
    answerable: bool
    chunk_ids: tuple[str, ...]  # the passages the reply cites (or shows as 可能相关)


def make_turn(index: int, question: str, answer: Answer) -> Turn:
    return Turn(
        index=index,
        question=question,
        asked=answer.question,
        answer=answer.answer,
        answerable=answer.answerable,
        chunk_ids=tuple(hit.chunk_id for _, hit in shown_hits(answer)),
    )


def turn_for(turns: Sequence[Turn], message_index: int) -> Turn | None:
    """The turn a liked message belongs to: the last one starting at or before it."""
    candidates = [t for t in turns if t.index <= message_index]
    return max(candidates, key=lambda t: t.index) if candidates else None


def vote_name(liked: object) -> str:
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return str(liked) if liked else "cleared"


def feedback_record(turn: Turn, vote: str, *, time: datetime | None = None) -> dict:
    return {
        "time": (time or datetime.now(UTC)).isoformat(timespec="seconds"),
        "question": turn.question,
        "asked": turn.asked,
        "answer": turn.answer,
        "answerable": turn.answerable,
        "chunk_ids": list(turn.chunk_ids),
        "vote": vote,
    }


class FeedbackLog:
    """An append-only JSONL file. Each record is one `write` of one whole line on a file opened with
    O_APPEND, under a lock: lines from concurrent requests (or processes) never interleave."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / "feedback.jsonl"
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, line)
                if written != len(line):  # regular files write whole; never leave half a record silently
                    raise OSError(f"short write to {self.path}: {written} of {len(line)} bytes")
            finally:
                os.close(fd)
