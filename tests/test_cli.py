"""The `qa` command: exit codes, warnings and hostile questions (the index mechanics behind it are in
tests/test_index.py)."""

from __future__ import annotations

import json

import pytest

from qa.cli import main as cli_main
from qa.settings import Settings
from tests.hostile import ABSTENTION, HOSTILE

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def test_cli_build_warns_and_strict_exits_1(corpus: Settings, capsys: pytest.CaptureFixture) -> None:
    (corpus.docs_dir / "bad.txt").write_bytes(PNG)
    args = ["build", "--docs", str(corpus.docs_dir), "--index", str(corpus.index_dir), "-q"]
    assert cli_main(args) == 0
    assert "bad.txt" in capsys.readouterr().err
    assert cli_main([*args, "--strict"]) == 1
    err = capsys.readouterr().err
    assert "构建失败" in err and "bad.txt" in err


def test_build_help_documents_exit_codes(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["build", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "exit codes" in text and all(f"  {code}  " in text for code in (0, 1, 2))
    assert "QA_MAX_REPORT_MB" in text


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_question_through_the_cli(kind: str, capsys: pytest.CaptureFixture) -> None:
    question = HOSTILE[kind]
    if "\x00" in question:
        question = question.replace("\x00", "")  # argv cannot carry NUL; the library test covers it
    code = cli_main(["ask", "--", question]) if question.startswith("-") else cli_main(["ask", question])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code == 0:
        assert "答" in out or ABSTENTION in out
    else:
        assert code == 1 and err.startswith("错误：")
    code = cli_main(["ask", question[:200], "--json"]) if not question.startswith("-") else 0
    if code == 0 and not question.startswith("-"):
        payload = json.loads(capsys.readouterr().out)
        assert isinstance(payload["answerable"], bool) and isinstance(payload["hits"], list)


@pytest.mark.slow
def test_today_flag_sets_the_year_relative_years_are_read_in() -> None:
    """`--today`: asked on 1 Aug 2023, Miaohang's 「今年」 is a year its reports cover; on 3 Dec 2026 it is not."""
    import os
    import subprocess
    import sys

    def status(today: str) -> str:
        command = [sys.executable, "-m", "qa.cli", "ask", "庙行镇今年打算新建几个口袋公园？", "--json", "--today", today]
        done = subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ, "QA_TODAY": ""})
        return json.loads(done.stdout)["status"]

    assert status("2026-12-03") == "not_covered"
    assert status("2023-08-01") != "not_covered"
