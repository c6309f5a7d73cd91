"""The web chat over the indexed reports: `python app.py [--host H] [--port P]`.

Gradio wiring only. The answers come from `qa.answer.ask`; turning them into chat messages (escaped
HTML), follow-up questions and the feedback log live in `qa/chat.py`. The index and the model are
loaded once, at start-up (the model in the background while the server starts).

API: `/ask` (message, town, report) → the reply's chat messages (HTML); `/answer` (same inputs) → the
answer as JSON, the same object as `qa ask --json`; see README "The web chat".
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from qa import chat, library, upload
from qa.answer import ask
from qa.format import answer_payload
from qa.index import IndexProblem, load_catalog
from qa.search import get_retriever, reload_retriever
from qa.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
#: Questions answered at once (the rest wait in the queue). Retrieval takes a few tens of ms of CPU.
CONCURRENCY_LIMIT = 4
QUEUE_MAX_SIZE = 256
#: Sessions whose state (follow-up context, feedback turns) Gradio keeps; the oldest are dropped beyond
#: this. Each session holds a copy of the page's component configuration (a few hundred KB here), so
#: Gradio's default of 10,000 let memory grow by gigabytes under many short API sessions (bench/load.py).
SESSION_CAPACITY = 300
#: Events whose timing Gradio keeps for its monitoring view (unused here); its default of 10,000 grew the
#: server's private memory by ~17 KB an answer until full (bench/load.py: +11.4% over 2,000 answers,
#: +5.3% with 500, level after the first 10 s). A user's GRADIO_ANALYTICS_MAX_EVENTS still wins.
ANALYTICS_EVENTS = 500
PASSAGES = 5
ALL = "all"

#: From the dev set (tests/data/dev.jsonl, a copy of the shared dev set): one per report, and a follow-up to try after the first.
EXAMPLES = [
    "大场镇2022年全年固定资产投资额大约是多少？",
    "2025年大场镇规上工业总产值是多少？比上年增长了多少？",
    "高境镇2023年全年地方财政收入是多少？同比增长多少？",
    "庙行镇2022年报告里18号线的“三站一场”指的是哪些地方？",
    "2023年上半年庙行镇新增了多少户企业？比去年同期增长多少？",
    "庙行镇截至2023年6月底的常住人口有多少？",
]

PLACEHOLDER = "<div style='text-align:center;opacity:.7'>在下方输入问题，或点击示例问题</div>"

INTRO = """
<div class="qa-header">
  <h1>政府工作报告问答</h1>
  <p>就已收录的镇政府工作报告提问。回答全部摘自报告原文，每句后的 [1] [2] 标明出处；
  每段引文下可展开「查看上下文」阅读所在章节。报告中没有答案时会直接说明，并列出可能相关的段落。
  可以接着追问，例如先问「大场镇2022年引进了多少家企业？」，再问「那2025年呢？」。</p>
</div>
"""

CSS = """
.qa-header h1 { font-size: 1.6rem; margin: 0 0 .3rem 0; }
.qa-header p { margin: 0; color: var(--body-text-color-subdued); line-height: 1.6; }
.qa-answer { line-height: 1.8; font-size: 1.02em; }
.qa-label { font-weight: 600; color: var(--color-accent); margin-bottom: .2rem; }
.qa-none .qa-label { color: #92400e; }
.qa-partial .qa-label { color: #b45309; }
.qa-ref { color: var(--color-accent); font-weight: 600; font-size: .85em; margin-left: .1em; }
.qa-notice { color: #b45309; margin-bottom: .4rem; }
.qa-asked { color: var(--body-text-color-subdued); font-size: .9em; margin-bottom: .4rem; }
.qa-muted { color: var(--body-text-color-subdued); font-size: .88em; }
.qa-none .qa-muted { margin-top: .4rem; }
.qa-path { color: #64748b; font-size: .85em; margin-bottom: .3rem; }
.qa-passage, .qa-context-text { line-height: 1.8; color: var(--body-text-color); }
.qa-cite mark, .qa-context mark { background: #fde68a; color: inherit; padding: 0 .1em; border-radius: 2px; }
.qa-notes { list-style: none; margin: .4rem 0 0 0; padding: .3rem 0 0 0; font-size: .85em;
            color: #64748b; border-top: 1px dashed var(--border-color-primary); }
.qa-context-text { max-height: 22rem; overflow-y: auto; }
.qa-in-context { background: #fef9e7; box-shadow: inset 3px 0 0 #f59e0b; border-radius: 2px; }
.qa-reports { width: 100%; font-size: .88em; border-collapse: collapse; margin-top: .3rem; }
.qa-reports, .qa-reports th, .qa-reports td { border: none !important; }
.qa-reports th, .qa-reports td { text-align: left; padding: .35rem .4rem !important; vertical-align: top;
                                 border-bottom: 1px solid var(--border-color-primary) !important; }
.qa-reports td:last-child { white-space: nowrap; }
.qa-reports .qa-muted { font-size: .8em; }
.qa-page { color: var(--color-accent); font-weight: 600; margin-left: .4em; white-space: nowrap; }
.qa-upload-ok { color: #166534; font-size: .9em; }
.qa-upload-error { color: #b91c1c; font-size: .9em; }
.qa-upload-ok ul, .qa-upload-error ul { margin: .2rem 0 0 1rem; padding: 0; }
"""

THEME = gr.themes.Soft(
    primary_hue="red",
    neutral_hue="slate",
    font=["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", "sans-serif"],
)


def _load_retriever(index_dir: Path) -> None:
    """Load the retriever (index + model) and run one query in each language so the first user does not
    pay for warm-up (an English one reads CC-CEDICT's senses, ~1 s, and the index's pinyin names)."""
    retriever = get_retriever(index_dir)
    retriever.search("政府工作报告", 1)
    retriever.search("government work report", 1)


def build_app(index_dir: Path | str | None = None, settings: Settings | None = None) -> gr.Blocks:
    """The chat UI. Loads the index and model now (once), not per request."""
    settings = settings or Settings.from_env()
    index_dir = Path(index_dir) if index_dir else settings.index_dir
    # The page needs only the list of reports, read from the index in a fraction of a second; the model
    # (seconds to import and load) loads once, in the background, while the server starts. The first
    # question waits for it if it comes sooner.
    catalog = load_catalog(settings.with_overrides(index_dir=index_dir))
    loading = threading.Thread(target=_load_retriever, args=(index_dir,), name="qa-load", daemon=True)
    loading.start()
    reports = {d.source: d for d in sorted(catalog.values(), key=lambda d: (d.metadata.date or "", d.source))}
    towns = sorted({d.metadata.town for d in catalog.values() if d.metadata.town})
    feedback = chat.FeedbackLog(settings.feedback_dir)

    def refresh_catalog() -> None:
        """After reports were added or removed: the lists the filters and the reply read, updated in place."""
        documents = get_retriever(index_dir).documents
        reports.clear()
        reports.update({d.source: d for d in documents})
        towns[:] = sorted({d.metadata.town for d in documents if d.metadata.town})

    def switch_index() -> None:
        """Serve the new index generation from the next question on (questions in flight finish on the old)."""
        reload_retriever(index_dir)
        refresh_catalog()

    def report_choices(town: str) -> list[tuple[str, str]]:
        listed = [d for d in reports.values() if town in (ALL, None, "") or d.metadata.town == town]
        labels = [
            (chat.report_label(d.metadata.town, d.metadata.title, d.metadata.date, d.source), d.source)
            for d in listed
        ]
        return [("全部报告", ALL), *labels]

    def answer_for(question: str, previous: str, town: str, report: str) -> tuple[str, Any]:
        """Answer one (non-empty, already cut) question, read in the light of the previous one: the
        question as asked after resolving a follow-up, and the Answer."""
        asked = chat.resolve_followup(question, previous, towns)
        answer = ask(
            asked,
            PASSAGES,
            town=town if town in towns else None,
            index_dir=index_dir,
            sources=[report] if report in reports else None,  # an id from the list, never a path
        )
        return asked, answer

    def reply(
        question: str, notice: str | None, previous: str, town: str, report: str, *, echo: bool = False
    ) -> tuple[list[dict], Any]:
        """Answer one (non-empty, already cut) question: its messages and the Answer."""
        asked, answer = answer_for(question, previous, town, report)
        messages = chat.answer_messages(
            answer,
            asked_as=asked if asked != question else None,
            notice=notice,
            context=get_retriever(index_dir).context,
            echo=echo,
        )
        return messages, answer

    # -- UI events

    def take_question(text: str, history: list[dict]) -> tuple[Any, Any, Any]:
        question, notice = chat.prepare_question(text)
        if not question:
            return "", gr.skip(), None
        return "", [*history, chat.question_message(question)], (question, notice)

    def answer_question(pending, history, previous, turns, town, report):
        if not pending:
            return gr.skip(), gr.skip(), gr.skip()
        question, notice = pending
        messages, answer = reply(question, notice, previous, town, report)
        turn = chat.make_turn(len(history), question, answer)
        return [*history, *messages], answer.question, [*turns, turn]

    def on_like(data: gr.LikeData, turns: list[chat.Turn]) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = chat.turn_for(turns, index)
        if turn is not None:
            feedback.append(chat.feedback_record(turn, chat.vote_name(data.liked)))

    # -- API: /ask

    def ask_api(message: str, previous: str, town: str = ALL, report: str = ALL) -> tuple[list[dict], Any]:
        """Ask a question; returns the reply as chat messages (answer, then each cited passage and its
        context). A follow-up such as 「那2025年呢？」 is read in the light of the previous question of
        the same client session. Empty input returns []."""
        question, notice = chat.prepare_question(message)
        if not question:
            return [], gr.skip()
        messages, answer = reply(question, notice, previous, town, report, echo=True)
        return messages, answer.question

    # -- API: /answer

    def answer_api(message: str, previous: str, town: str = ALL, report: str = ALL) -> tuple[dict, Any]:
        """Ask a question; returns the answer as data, the same object as `qa ask --json`: question,
        answerable, answer (plain text, [n] cites hits[n-1]), confidence, and hits (source, title, town,
        date, section_path, text, footnotes, highlight, score, …). Follow-ups resolve as in `/ask`.
        Empty input returns {}."""
        question, _ = chat.prepare_question(message)
        if not question:
            return {}, gr.skip()
        _, answer = answer_for(question, previous, town, report)
        return answer_payload(answer), answer.question

    with gr.Blocks(title="政府工作报告问答") as demo:
        previous = gr.State("")  # the last question asked (follow-ups resolve against it)
        turns = gr.State([])  # chat.Turn per reply, for feedback
        pending = gr.State(None)  # (question, notice) between showing the question and answering it

        gr.HTML(INTRO)
        with gr.Row(equal_height=False):
            with gr.Column(scale=7):
                chatbot = gr.Chatbot(
                    label="对话",
                    height=640,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    placeholder=PLACEHOLDER,
                )
                textbox = gr.Textbox(
                    show_label=False,
                    placeholder="输入问题，按回车发送，例如：大场镇2022年引进了多少家企业？",
                    submit_btn="提问",
                    lines=1,
                    max_lines=4,
                    max_length=5000,
                    autofocus=True,
                    elem_id="question",
                )
                examples = gr.Dataset(
                    label="示例问题（点击即问）",
                    components=[textbox],
                    samples=[[q] for q in EXAMPLES],
                    type="values",
                    samples_per_page=len(EXAMPLES),
                )
            with gr.Column(scale=3, min_width=280):
                town = gr.Dropdown(
                    [("全部镇", ALL), *[(t, t) for t in towns]], value=ALL, label="按镇筛选", interactive=True
                )
                report = gr.Dropdown(report_choices(ALL), value=ALL, label="按报告筛选", interactive=True)
                reports_box = gr.HTML(upload.reports_table_html(reports.values(), library.removable(settings)))
                with gr.Accordion("添加报告（PDF、Word、网页、文本）", open=False, elem_id="qa-upload"):
                    upload_files = gr.File(
                        label=f"选择报告文件（可多选，每个不超过 {settings.max_report_mb} MB）",
                        file_count="multiple",
                        file_types=upload.ACCEPTED.split(", "),
                        elem_id="qa-upload-files",
                    )
                    add_button = gr.Button("添加到索引", variant="primary", elem_id="qa-upload-add")
                    upload_status = gr.HTML(elem_id="qa-upload-status")
                    remove_choice = gr.Dropdown(
                        sorted(library.removable(settings)), value=None, label="删除上传的报告", interactive=True
                    )
                    remove_button = gr.Button("删除所选报告", elem_id="qa-upload-remove")

        def after_change(result: upload.UploadResult) -> tuple[Any, ...]:
            added = sorted(library.removable(settings))
            return (
                result.message_html,
                upload.reports_table_html(reports.values(), set(added)),
                gr.update(choices=[("全部镇", ALL), *[(t, t) for t in towns]]),
                gr.update(choices=report_choices(ALL), value=ALL),
                gr.update(choices=added, value=None),
            )

        def on_add(files: list[str] | None, progress=gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (Gradio's API)
            paths = [Path(f) for f in files or []]
            result = upload.add_uploaded(
                paths, settings, progress=lambda done, total, what: progress((done, total), desc=what),
                switch=switch_index,
            )
            return (*after_change(result), None if result.ok else gr.skip())

        def on_remove(source: str | None) -> tuple[Any, ...]:
            return after_change(upload.remove_uploaded(source or "", settings, switch=switch_index))

        changed = [upload_status, reports_box, town, report, remove_choice]
        add_button.click(on_add, [upload_files], [*changed, upload_files], api_visibility="private",
                         concurrency_limit=1, concurrency_id="library")
        remove_button.click(on_remove, [remove_choice], changed, api_visibility="private",
                            concurrency_limit=1, concurrency_id="library")

        api_button = gr.Button("API", visible=False)
        api_response = gr.JSON(visible=False)

        def ask_chain(trigger: Any) -> None:
            trigger.then(
                answer_question,
                [pending, chatbot, previous, turns, town, report],
                [chatbot, previous, turns],
                api_visibility="private",
            )

        ask_chain(
            textbox.submit(
                take_question,
                [textbox, chatbot],
                [textbox, chatbot, pending],
                queue=False,
                api_visibility="private",
            )
        )
        ask_chain(
            examples.click(
                lambda sample: sample[0], examples, textbox, queue=False, api_visibility="private"
            ).then(
                take_question,
                [textbox, chatbot],
                [textbox, chatbot, pending],
                queue=False,
                api_visibility="private",
            )
        )
        town.change(
            lambda t: gr.update(choices=report_choices(t), value=ALL),
            town,
            report,
            queue=False,
            api_visibility="private",
        )
        chatbot.clear(lambda: ("", []), None, [previous, turns], queue=False, api_visibility="private")
        chatbot.like(on_like, [turns], None, api_visibility="private")
        for endpoint, name in ((ask_api, "ask"), (answer_api, "answer")):
            api_button.click(
                endpoint, [textbox, previous, town, report], [api_response, previous], api_name=name, postprocess=False
            )
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(ANALYTICS_EVENTS))  # read as the queue is made
    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_MAX_SIZE)
    return demo


def launch(demo: gr.Blocks, host: str, port: int, *, block: bool = True) -> tuple[Any, str, Any]:
    return demo.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        theme=THEME,
        css=CSS,
        quiet=not block,
        footer_links=["api"],
        max_file_size=f"{Settings.from_env().max_report_mb}mb",
        state_session_capacity=SESSION_CAPACITY,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="政府工作报告问答：网页聊天")
    parser.add_argument(
        "--host",
        default=os.environ.get("GRADIO_SERVER_NAME") or DEFAULT_HOST,
        help=f"address to listen on (default GRADIO_SERVER_NAME or {DEFAULT_HOST}, loopback only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("GRADIO_SERVER_PORT") or DEFAULT_PORT),
        help=f"port (default GRADIO_SERVER_PORT or {DEFAULT_PORT})",
    )
    parser.add_argument("--index", type=Path, help="index directory (default index/, env QA_INDEX_DIR)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        demo = build_app(args.index)
    except (IndexProblem, OSError, ValueError) as error:  # no index yet, or one built with another model
        print(f"错误：无法加载索引：{error}（先运行 `qa build`）", file=sys.stderr)
        return 1
    print(f"政府工作报告问答：http://{args.host}:{args.port}", flush=True)
    try:
        launch(demo, args.host, args.port)
    except OSError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
