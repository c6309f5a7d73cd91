"""report-qa: ask questions of Chinese government work reports, get cited passages.

    >>> from qa import retrieve, ask
    >>> ask("大场镇2022年引进了多少家企业？").answer
"""

from qa.answer import Answer, ask
from qa.search import Hit, Retriever, retrieve

__all__ = ["Answer", "Hit", "Retriever", "ask", "retrieve"]
