"""The Milvus store on a real Milvus Lite: building, adding and removing reports, filters, a build killed
half-way, bad settings, and — with the real model — the dev set's quality against the FAISS store and
the chat answering from Milvus.

Mechanics tests use the hash embedder and one seed report (40 passages) in a private Milvus Lite file;
the quality tests share one Milvus build of the seed reports per session (`seeds_on_milvus`), which
reuses the committed FAISS index's vectors, so it embeds nothing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.index import IndexMissingError, build_index, load_catalog
from qa.search import MilvusRetriever, Retriever, get_retriever
from qa.settings import Settings
from qa.stores import milvus as milvus_module
from qa.stores.milvus import MilvusStore, MilvusUnavailableError, filter_expression
from tests.conftest import DEV_SET, ROOT, SECOND_SEED, SMALL_SEED, copy_seeds, settings_for

#: A seed report of another town and year than SMALL_SEED's (庙行镇, 2023).
OTHER_TOWN = "003_ba4aa9962f5a29a2.txt"


@pytest.fixture
def on_milvus(tmp_path: Path, hash_embedder) -> Settings:
    """One seed report in a private folder, built into a private Milvus Lite file with the hash embedder."""
    settings = settings_for(copy_seeds(tmp_path / "docs", SMALL_SEED), tmp_path / "index", store=str(tmp_path / "store.db"))
    build_index(settings, progress=False)
    yield settings
    milvus_module.disconnect(settings.milvus_uri)


def test_build_add_and_remove_on_milvus(on_milvus: Settings, hash_embedder) -> None:
    store = MilvusStore(on_milvus.milvus_uri, on_milvus.milvus_collection)
    first = store.live()
    assert store.count(first) == 40 and store.manifest(first)["files"].keys() == {SMALL_SEED}
    assert not (on_milvus.index_dir / "CURRENT").exists(), "a Milvus build writes no FAISS generation"

    again = build_index(on_milvus, progress=False)
    assert again.noop and again.generation == first

    copy_seeds(on_milvus.docs_dir, SECOND_SEED)
    before = hash_embedder.passages_embedded
    added = build_index(on_milvus, progress=False)
    second = store.live()
    assert added.added == [SECOND_SEED] and second != first
    assert added.reused == 40 and added.embedded == added.chunks - 40 == hash_embedder.passages_embedded - before
    assert store.count(second) == added.chunks
    assert set(load_catalog(on_milvus)) == {SMALL_SEED, SECOND_SEED}

    (on_milvus.docs_dir / SMALL_SEED).unlink()
    removed = build_index(on_milvus, progress=False)
    assert removed.removed == [SMALL_SEED] and removed.embedded == 0
    third = store.live()
    assert set(load_catalog(on_milvus)) == {SECOND_SEED}
    # the live generation and the one before it (for questions in flight); older ones are dropped
    assert store.generations() == [second, third]
    retriever = MilvusRetriever(on_milvus)
    assert {hit.source for hit in retriever.search("经济发展", 10)} == {SECOND_SEED}


def test_an_articles_later_windows_keep_their_opening_on_milvus(tmp_path: Path, hash_embedder) -> None:
    """A window after the first of a text without headings carries the text's opening sentence
    (`Chunk.opening`) through Milvus as through FAISS, and a character pair of the opening counts as
    held by every window (the pair's document frequency both stores' pair coverage weighs)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    opening = "IT之家8月7日消息，近日，小米在北京举办第四届黑客马拉松大赛，来自多个工区的工程师参赛。"
    (docs / "news.txt").write_text(opening + "获得一等奖的项目是识物眼镜，为视障人群提供认人、认物等多种功能。" * 40, encoding="utf-8")
    on_faiss = settings_for(docs, tmp_path / "index")
    on_milvus = settings_for(docs, tmp_path / "index-unused", store=str(tmp_path / "store.db"))
    build_index(on_faiss, progress=False)
    build_index(on_milvus, progress=False)
    try:
        faiss_chunks = Retriever(on_faiss).index.chunks
        retriever = MilvusRetriever(on_milvus)
        rows = retriever.store.passages(retriever.generation, 'source == "news.txt"')
        by_id = {row["chunk_id"]: row["opening"] for row in rows}
        assert len(faiss_chunks) > 1 and by_id == {c.id: c.opening for c in faiss_chunks}
        assert by_id[faiss_chunks[0].id] == "" and by_id[faiss_chunks[1].id] == opening
        assert retriever.pair_frequency("马拉") == len(faiss_chunks)
        later = [hit for hit in retriever.search("黑客马拉松大赛的一等奖项目", 5) if hit.chunk_id != faiss_chunks[0].id]
        assert later, "the later windows are found by the article's subject"
    finally:
        milvus_module.disconnect(on_milvus.milvus_uri)


def test_filters_are_milvus_expressions_with_the_faiss_meaning(on_milvus: Settings, hash_embedder) -> None:
    copy_seeds(on_milvus.docs_dir, OTHER_TOWN)
    build_index(on_milvus, progress=False)
    milvus = MilvusRetriever(on_milvus)
    faiss_settings = on_milvus.with_overrides(store="faiss")
    build_index(faiss_settings, progress=False)
    faiss = Retriever(faiss_settings)
    towns = {d.metadata.town for d in milvus.documents}
    assert len(towns) == 2 and set(milvus.towns) == towns
    question = "优化营商环境"
    for town in towns:
        hits = milvus.search(question, 5, town=town)
        assert hits and {h.town for h in hits} == {town}
        assert {h.chunk_id for h in faiss.search(question, 40, town=town)} >= {h.chunk_id for h in hits}
        assert milvus.search(question, 5, town=town[:2]), "a town filter matches by prefix, as on FAISS"
    year = int(next(iter(milvus.documents)).metadata.date[:4])
    by_year = milvus.search(question, 10, year=year)
    assert by_year and {h.source for h in by_year} == {h.source for h in faiss.search(question, 40, year=year)}
    assert milvus.search(question, 5, year=1949) == [] == faiss.search(question, 5, year=1949)
    assert {h.source for h in milvus.search(question, 5, sources=[OTHER_TOWN])} == {OTHER_TOWN}
    assert filter_expression(town=None, year=None, sources=None) == ""
    assert 'source in ["a\\"b"]' in filter_expression(town=None, year=None, sources=['a"b'])


def test_the_answer_step_works_on_milvus(on_milvus: Settings, hash_embedder) -> None:
    retriever = MilvusRetriever(on_milvus)
    result = retriever.retrieve("经济发展情况如何？")
    assert len(result.hits) == 5 and result.query_tokens
    assert all(h.period_match == 0.0 for h in result.hits)  # no period asked
    hit = result.hits[0]
    document, path, text, (start, end) = retriever.context(hit.chunk_id)
    assert document.source == hit.source and text[start:end] == hit.text and path == hit.section_path[:-1]
    with pytest.raises(KeyError):
        retriever.context("no such passage")
    common, rare = retriever.term_idf("发展"), retriever.term_idf("从未出现的词语")
    assert rare > common > 0
    assert retriever.sentence_similarities(result.query_vector, [hit.highlight]).shape == (1,)
    far = retriever.retrieve("到1999年要达到多少？")  # naming no town: no report speaks of 1999
    assert (far.covered, far.in_passing) == (False, ())


def test_a_build_killed_half_way_leaves_the_previous_generation(on_milvus: Settings, tmp_path: Path) -> None:
    """SIGKILL a Milvus build while it inserts the new generation's passages: the alias still names the
    previous generation, which answers; the next build drops the half-written one and completes."""
    store = MilvusStore(on_milvus.milvus_uri, on_milvus.milvus_collection)
    previous = store.live()
    milvus_module.disconnect(on_milvus.milvus_uri)  # Milvus Lite: one process at a time opens a file
    copy_seeds(on_milvus.docs_dir, SECOND_SEED)
    script = (
        "import sys, time\n"
        "from tests.hash_embedder import install\n"
        "install()\n"
        "from qa.stores.milvus import MilvusStore\n"
        "insert = MilvusStore.insert_passages\n"
        "def slow(self, name, rows):\n"
        "    insert(self, name, rows[: len(rows) // 2])\n"
        "    print('INSERTING', name, flush=True)\n"
        "    time.sleep(120)\n"
        "MilvusStore.insert_passages = slow\n"
        "from qa.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, "build", "-q", "--docs", str(on_milvus.docs_dir), "--index", str(on_milvus.index_dir),
         "--store", on_milvus.store],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()
    assert line.startswith("INSERTING"), line
    half_written = line.split()[1]
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    time.sleep(0.5)

    store = MilvusStore(on_milvus.milvus_uri, on_milvus.milvus_collection)
    assert half_written in store.generations() and store.live() == previous
    hits = MilvusRetriever(on_milvus).search("经济发展", 5)
    assert hits and {h.source for h in hits} == {SMALL_SEED}
    report = build_index(on_milvus, progress=False)
    assert report.added == [SECOND_SEED] and store.live() not in (previous, half_written)
    assert half_written not in store.generations()


def test_bad_store_settings_are_refused_with_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for bad in ("milvus://host:19530", "./index", "store.sqlite"):
        with pytest.raises(ValueError, match="QA_STORE"):
            Settings(store=bad)
    monkeypatch.setenv("QA_STORE", "milvus://host:19530")
    with pytest.raises(ValueError, match="QA_STORE"):
        Settings.from_env()
    with pytest.raises(ValueError, match="QA_MILVUS_COLLECTION"):
        Settings(milvus_collection="报告-1")
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "pymilvus", None)  # as if the scale extra were not installed
        with pytest.raises(MilvusUnavailableError, match=r"pip install -e '\.\[scale\]'"):
            MilvusStore(str(tmp_path / "new.db"), "report_qa")
    with pytest.raises(IndexMissingError, match="qa build"):
        load_catalog(Settings(store=str(tmp_path / "empty.db")))
    milvus_module.disconnect(str(tmp_path / "empty.db"))


def test_cli_builds_lists_and_answers_on_milvus(tmp_path: Path, hash_embedder, capsys: pytest.CaptureFixture) -> None:
    from qa.cli import main

    store = str(tmp_path / "cli.db")
    docs = copy_seeds(tmp_path / "docs", SMALL_SEED)
    assert main(["build", "-q", "--docs", str(docs), "--index", str(tmp_path / "index"), "--store", store]) == 0
    assert main(["reports", "--json", "--docs", str(docs), "--index", str(tmp_path / "index"), "--store", store]) == 0
    out = capsys.readouterr().out
    assert [row["source"] for row in json.loads(out[out.index("[") :])] == [SMALL_SEED]
    assert main(["ask", "经济发展情况如何？", "--json", "--store", store]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["hits"] and all(hit["source"] == SMALL_SEED for hit in answer["hits"])
    assert main(["ask", "经济", "--store", "milvus://x"]) == 1
    assert "QA_STORE" in capsys.readouterr().err

    common = ["--docs", str(docs), "--index", str(tmp_path / "index"), "--uploads", str(tmp_path / "uploads"), "--store", store]
    assert main(["add", "-q", str(copy_seeds(tmp_path / "new", SECOND_SEED) / SECOND_SEED), *common]) == 0
    settings = Settings.from_env().with_overrides(store=store)
    assert set(load_catalog(settings)) == {SMALL_SEED, SECOND_SEED}
    assert main(["remove", SECOND_SEED, *common]) == 0
    assert set(load_catalog(settings)) == {SMALL_SEED}
    milvus_module.disconnect(str(Path(store).resolve()))


# ---------------------------------------------------------------- the real model


@pytest.fixture(scope="session")
def seeds_on_milvus(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed reports in a Milvus Lite file, built with the real model (its vectors reused from the
    committed FAISS index): the store URI."""
    store = str(tmp_path_factory.mktemp("milvus") / "seeds.db")
    settings = Settings.from_env().with_overrides(store=store)
    report = build_index(settings, progress=False)
    assert report.embedded == 0 and report.chunks > 200, "the committed FAISS index's vectors are reused"
    return store


@pytest.mark.slow
def test_dev_set_on_milvus_is_as_good_as_on_faiss(seeds_on_milvus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.evaluate import load_questions, run_eval, summarize

    questions = load_questions(DEV_SET)
    faiss = summarize(run_eval(questions))["overall"]
    monkeypatch.setenv("QA_STORE", seeds_on_milvus)
    assert isinstance(get_retriever(), MilvusRetriever)
    milvus = summarize(run_eval(questions))["overall"]
    print(f"\ndev set hit@1/hit@5: FAISS {faiss['hit@1']:.3f}/{faiss['hit@5']:.3f}, Milvus Lite {milvus['hit@1']:.3f}/{milvus['hit@5']:.3f}")
    # Milvus scores BM25 with its own statistics, so a question whose two best passages are all but tied
    # may fall either way: at most one question apart.
    one_question = 1 / sum(q.doc is not None for q in questions)
    for metric in ("hit@1", "hit@5"):
        assert abs(milvus[metric] - faiss[metric]) <= one_question + 1e-9, (metric, faiss[metric], milvus[metric])
    assert milvus["abstention_right"] == faiss["abstention_right"] == 1.0


@pytest.mark.slow
def test_a_question_about_the_report_itself_is_answered_from_its_opening_on_milvus(
    seeds_on_milvus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opening passage is fetched by its place (no section path, the report's first character),
    whether the searches found it or not, and the report is chosen as on FAISS."""
    from qa.answer import ask

    monkeypatch.setenv("QA_STORE", seeds_on_milvus)
    assert isinstance(get_retriever(), MilvusRetriever)
    answer = ask("2023年1月在庙行镇人代会上作政府工作报告的镇长是谁？")
    assert answer.status == "answered" and answer.answer.splitlines()[0] == "庙行镇镇长 朱峻峰 [1]"
    assert answer.hits[0].date == "2023-01-05" and answer.hits[0].section_path == ()


@pytest.mark.slow
def test_the_chat_answers_from_milvus(seeds_on_milvus: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The chat, launched on a Milvus store with no FAISS index anywhere, answers through its API: the
    answer, the cited passage highlighted, its context; and the Python API on the same store."""
    from gradio_client import Client

    import app
    import qa
    from qa import chat
    from tests.test_app import free_port, text_of

    monkeypatch.setenv("QA_STORE", seeds_on_milvus)
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "no-index-here"))  # nothing may come from a FAISS index
    demo = app.build_app(settings=Settings.from_env().with_overrides(feedback_dir=tmp_path / "feedback"))
    app.launch(demo, "127.0.0.1", free_port(), block=False)
    try:
        messages = Client(demo.local_url, verbose=False).predict(message="大场镇2025年新引进企业多少家？", api_name="/ask")
    finally:
        demo.close()
    assert isinstance(get_retriever(), MilvusRetriever)
    head = text_of(messages[:1])
    assert "6154" in head and "[1]" in head and "未找到答案" not in head
    assert "<mark>" in messages[1]["content"] and "大场镇" in messages[1]["metadata"]["title"]
    contexts = [m for m in messages if (m.get("metadata") or {}).get("status") == "done"]
    assert contexts and "查看上下文" in chat.strip_tags(contexts[0]["metadata"]["title"])
    assert {hit.town for hit in qa.retrieve("引进企业", k=3, town="高境镇")} == {"高境镇"}
    assert qa.ask("大场镇1990年引进了多少家企业？").status != "answered"
