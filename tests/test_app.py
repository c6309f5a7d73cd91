"""The web chat end to end through its API: the app is launched in-process on a free port and asked
through `gradio_client`, as a user of the README snippet would."""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

import app
from qa import chat
from qa.search import get_retriever
from qa.settings import Settings
from tests.conftest import DEV_SET, SEEDS_DIR, SMALL_SEED
from tests.hostile import HOSTILE

pytestmark = pytest.mark.slow

XSS = "<img src=x onerror=alert(1)>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dev_questions() -> list[dict]:
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def dev_question(question_id: str) -> dict:
    return next(q for q in dev_questions() if q["id"] == question_id)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(messages: list[dict]) -> str:
    return "\n".join(chat.strip_tags(m["content"]) for m in messages)


def titles_of(messages: list[dict]) -> list[str]:
    return [chat.strip_tags((m.get("metadata") or {}).get("title", "")) for m in messages]


def report_label(source: str) -> str:
    meta = next(d for d in get_retriever().documents if d.source == source).metadata
    return chat.report_label(meta.town, meta.title, meta.date, source)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings.from_env().with_overrides(feedback_dir=tmp_path_factory.mktemp("feedback"))
    demo = app.build_app(settings=settings)
    app.launch(demo, "127.0.0.1", free_port(), block=False)
    yield demo
    demo.close()


@pytest.fixture
def client(server):
    return Client(server.local_url, verbose=False)


def ask(client: Client, message: str, **filters) -> list[dict]:
    return client.predict(message=message, **filters, api_name="/ask")


def assert_cites(messages: list[dict], item: dict) -> None:
    """The reply is an answer, cites the item's report, and shows its evidence in a cited passage."""
    assert "未找到答案" not in text_of(messages[:1])
    label = report_label(item["doc"])
    cited = [m for m in messages[1:] if not (m.get("metadata") or {}).get("status")]
    assert cited, "no cited passage"
    with_evidence = [m for m in cited if all(squeeze(e) in squeeze(text_of([m])) for e in item["evidence"])]
    assert with_evidence, f"evidence {item['evidence']} not in any cited passage of {titles_of(cited)}"
    assert any(label in title for title in titles_of(with_evidence))


@pytest.mark.parametrize("question_id", ["dc-004", "mg-004", "mg-007"])
def test_dev_question_cites_the_report_and_evidence(client, question_id):
    item = dev_question(question_id)
    messages = ask(client, item["question"])
    assert all(m["role"] == "assistant" for m in messages)
    assert_cites(messages, item)
    # the answer sentence itself carries a marker and is highlighted in its passage
    assert re.search(r"\[1\]", text_of(messages[:1]))
    assert "<mark>" in messages[1]["content"]


def test_footnote_of_a_cited_passage_is_shown(client):
    item = dev_question("mg-007")  # 「三站一场」 is explained in a footnote
    text = squeeze(text_of(ask(client, item["question"])))
    assert "注" in text and squeeze(item["evidence"][0]) in text


def test_unanswerable_question_says_so_and_shows_related_passages(client):
    # A town none of the reports is about: the retriever abstains for a reason that does not depend
    # on score calibration, so this tests how the chat shows an abstention.
    messages = ask(client, "罗泾镇2023年新引进了多少家企业？")
    head = text_of(messages[:1])
    assert "未找到答案" in head and "报告中没有找到" in head
    assert "[1]" not in head
    assert messages[1:] and all("可能相关" in t for t in titles_of(messages[1:]) if "上下文" not in t)


def test_context_of_a_cited_passage(client):
    item = dev_question("dc-004")
    messages = ask(client, item["question"])
    contexts = [m for m in messages if (m.get("metadata") or {}).get("status") == "done"]
    assert contexts and "查看上下文" in titles_of(contexts)[0]
    passage = chat.strip_tags(
        re.search(r'<div class="qa-passage">(.*?)</div>', messages[1]["content"]).group(1)
    )
    assert squeeze(passage) in squeeze(text_of(contexts[:1]))
    assert len(squeeze(text_of(contexts[:1]))) > len(squeeze(passage))


def test_xss_question_comes_back_escaped(client):
    messages = ask(client, XSS)
    assert messages
    raw = json.dumps(messages, ensure_ascii=False)
    assert "<img" not in raw and "onerror=alert(1)>" not in raw.replace("&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in messages[0]["content"]
    assert f"问：{XSS}" in text_of(messages[:1])


@pytest.mark.parametrize("message", ["", "   ", "\n\t"])
def test_empty_input_gives_nothing(client, message):
    assert ask(client, message) == []


def test_long_input_is_cut_with_a_notice(client):
    question = dev_question("dc-004")["question"]
    messages = ask(client, question + "。" * 700)
    head = text_of(messages[:1])
    assert "问题过长" in head and "500" in head
    asked = head.split("问：", 1)[1].split("\n", 1)[0]
    assert len(asked) <= chat.MAX_QUESTION_CHARS


def test_report_filter_limits_retrieval_to_that_report(client):
    item = dev_question("dc-004")  # answered by the 2023 Dachang report
    other = next(d.source for d in get_retriever().documents if d.source != item["doc"])
    messages = ask(client, item["question"], report=other)
    passages = [t for t in titles_of(messages[1:]) if "上下文" not in t]
    assert passages and all(report_label(other) in t for t in passages)


def test_town_filter_limits_retrieval_to_that_town(client):
    messages = ask(client, dev_question("dc-004")["question"], town="高境镇")
    passages = [t for t in titles_of(messages[1:]) if "上下文" not in t]
    assert passages and all("高境镇" in t for t in passages)


def test_unknown_filter_values_are_refused(client):
    with pytest.raises(Exception, match=r"(?i)error|not in|choices"):
        ask(client, "大场镇2022年引进了多少家企业？", report="../../etc/passwd")


def test_follow_up_keeps_town_and_topic(client):
    first = ask(client, "大场镇2022年引进了多少家企业？")
    assert "大场镇" in text_of(first)
    follow = ask(client, "那2025年呢？")
    head = text_of(follow[:1])
    assert "按上文理解为：大场镇2025年引进了多少家企业？" in head
    passages = [t for t in titles_of(follow[1:]) if "上下文" not in t]
    assert passages and "大场镇" in passages[0]


def test_sessions_do_not_share_follow_ups(server):
    first, second = Client(server.local_url, verbose=False), Client(server.local_url, verbose=False)
    ask(first, "大场镇2022年引进了多少家企业？")
    assert "按上文理解为" not in text_of(ask(second, "那2025年呢？")[:1])


def test_only_ask_and_answer_are_public(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/ask", "/answer"}


def test_answer_endpoint_returns_the_cli_json(client):
    """`/answer` gives programs data: the same object as `qa ask --json`, with plain-text [n] markers."""
    item = dev_question("dc-004")
    payload = client.predict(message=item["question"], api_name="/answer")
    assert payload["question"] == item["question"] and payload["answerable"] is True
    assert re.search(r"\[1\]", payload["answer"]) and "<" not in payload["answer"]
    hits = payload["hits"]
    assert hits and set(hits[0]) >= {
        "source", "title", "town", "date", "section_path", "text", "footnotes", "highlight", "score"
    }
    assert hits[0]["source"] == item["doc"] and hits[0]["town"] == "大场镇"
    assert isinstance(hits[0]["section_path"], list) and hits[0]["highlight"] in hits[0]["text"]
    assert any(all(squeeze(e) in squeeze(h["text"]) for e in item["evidence"]) for h in hits)

    from qa.answer import ask as library_ask
    from qa.format import answer_payload

    expected = answer_payload(library_ask(item["question"], app.PASSAGES))
    assert json.loads(json.dumps(payload)) == json.loads(json.dumps(expected))


def test_answer_endpoint_over_plain_http(server):
    """The README's curl recipe: post the inputs (question, town, report), then read the event stream."""
    item = dev_question("dc-004")
    with httpx.Client(base_url=server.local_url.rstrip("/"), timeout=60) as http:
        posted = http.post("/gradio_api/call/answer", json={"data": [item["question"], app.ALL, app.ALL]})
        assert posted.status_code == 200, posted.text
        stream = http.get(f"/gradio_api/call/answer/{posted.json()['event_id']}").text
    event = re.search(r"event: (\w+)\ndata: (.*)", stream)
    assert event and event.group(1) == "complete", stream[:300]
    payload = json.loads(event.group(2))[0]
    assert payload["question"] == item["question"] and payload["answerable"] is True
    assert payload["hits"][0]["source"] == item["doc"]


def test_answer_endpoint_keeps_follow_ups_and_refuses_nothing_quietly(client):
    assert client.predict(message="  ", api_name="/answer") == {}
    client.predict(message="大场镇2022年引进了多少家企业？", api_name="/answer")
    follow = client.predict(message="那2025年呢？", api_name="/answer")
    assert follow["question"] == "大场镇2025年引进了多少家企业？"
    unanswerable = client.predict(message="罗泾镇2023年新引进了多少家企业？", api_name="/answer")
    assert unanswerable["answerable"] is False and unanswerable["hits"]


def test_twenty_questions_at_once_all_get_their_own_reply(server):
    items = [q for q in dev_questions() if q["doc"]][:20]
    assert len(items) == 20
    sequential_client = Client(server.local_url, verbose=False)
    expected = []
    for item in items:
        expected.append(ask(sequential_client, item["question"]))
        sequential_client.reset_session()

    clients = [Client(server.local_url, verbose=False) for _ in items]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = [pool.submit(ask, c, item["question"]) for c, item in zip(clients, items, strict=True)]
        replies = [future.result(timeout=120) for future in futures]
    elapsed = time.perf_counter() - started
    print(f"\n20 concurrent questions answered in {elapsed:.2f} s")
    for item, reply, alone in zip(items, replies, expected, strict=True):
        assert reply == alone, f"reply to {item['id']} differs from the one it gets alone"
        assert f"问：{item['question']}" in text_of(reply[:1])


def test_submit_jobs_on_one_client_all_complete(client):
    items = [q for q in dev_questions() if q["doc"]][:20]
    jobs = [client.submit(message=item["question"], api_name="/ask") for item in items]
    replies = [job.result(timeout=120) for job in jobs]
    for item, reply in zip(items, replies, strict=True):
        assert f"问：{item['question']}" in text_of(reply[:1])


def test_requests_do_not_load_the_index_or_model_again(client, monkeypatch):
    import qa.search

    def no_loading(*args, **kwargs):
        raise AssertionError("Retriever constructed during a request")

    monkeypatch.setattr(qa.search.Retriever, "__init__", no_loading)
    assert ask(client, "大场镇2022年引进了多少家企业？")


def test_main_reports_a_busy_port(server, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert app.main(["--port", str(port)]) == 1
    assert "错误" in capsys.readouterr().err


def test_host_and_port_default_to_gradio_env(monkeypatch):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)
    args = app.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8123")
    args = app.parse_args([])
    assert (args.host, args.port) == ("0.0.0.0", 8123)
    args = app.parse_args(["--host", "127.0.0.2", "--port", "9000"])
    assert (args.host, args.port) == ("127.0.0.2", 9000)


# ---------------------------------------------------------------- paths from user input, hostile questions


class OpenRecorder:
    """Every path the process opens while active (builtins.open, io.open and so Path.open, os.open)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_os_open = builtins.open, os.open

        def recording_open(file, *args, **kwargs):
            self.paths.append(os.fsdecode(file) if isinstance(file, (str, bytes, os.PathLike)) else repr(file))
            return real_open(file, *args, **kwargs)

        def recording_os_open(path, *args, **kwargs):
            self.paths.append(os.fsdecode(path))
            return real_os_open(path, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", recording_open)
        monkeypatch.setattr(io, "open", recording_open)
        monkeypatch.setattr(os, "open", recording_os_open)

    def touched(self, needle: str) -> list[str]:
        return [p for p in self.paths if needle in p]


def _ask_fn(demo):
    return next(f.fn for f in demo.fns.values() if f.api_name == "ask")


PATHS = ["../../etc/passwd", "/etc/passwd", "..", "seeds/../../../etc/shadow", str(SEEDS_DIR / SMALL_SEED)]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_chat_opens_no_path_from_user_input(server, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    from gradio_client import Client

    question = "高境镇2023年全年地方财政收入是多少？"
    fn = _ask_fn(server)
    unfiltered, _ = fn(question, "", "all", "all")
    recorder = OpenRecorder(monkeypatch)
    Path(__file__).read_text(encoding="utf-8")
    assert recorder.touched(Path(__file__).name), "the recorder sees Path.open"
    # The reply function itself, past Gradio's check of the dropdown values: the filter is ignored.
    for town, report in ((path, "all"), ("all", path), (path, path)):
        messages, asked = fn(question, "", town, report)
        assert messages == unfiltered and asked == question
    # Through the API, Gradio refuses values that are not in the lists.
    client = Client(server.local_url, verbose=False)
    for filters in ({"report": path}, {"town": path}):
        with pytest.raises(Exception, match=r"(?i)error|not in|choices"):
            client.predict(message=question, **filters, api_name="/ask")
    needle = Path(path).name if path != ".." else "/.."
    assert not recorder.touched(needle) and not recorder.touched("passwd") and not recorder.touched("shadow")
    assert not recorder.touched(str(SEEDS_DIR)), "the chat answers from the index, never from report files"


@pytest.mark.slow
def test_hostile_questions_through_the_api(server) -> None:
    from gradio_client import Client

    client = Client(server.local_url, verbose=False)
    for kind, question in HOSTILE.items():
        if kind == "lone_surrogates":  # gradio_client cannot send them; a raw JSON "\ud800" reaches this
            messages, _ = _ask_fn(server)(question, "", "all", "all")
        else:
            messages = client.predict(message=question, api_name="/ask")
        assert isinstance(messages, list), kind
        if not question.strip():
            assert messages == []
            continue
        raw = json.dumps(messages, ensure_ascii=False).lower()
        assert messages and "<script" not in raw and "<img" not in raw, kind
