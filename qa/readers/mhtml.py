"""Web archives (.mht/.mhtml): a page a browser saved as one file (Internet Explorer's and Edge's 「网页，单个
文件」, Chrome's 「网页，单个文件」), a MIME message whose root part is the page and whose other parts are its
styles, pictures and frames. The page is decoded from its part (quoted-printable or base64, in the charset the
part declares: county portals' pages are GBK) and read by the web page reader (`qa.readers.html`), as the
page saved as .html would be. Its styles and frames are not the report's text; its pictures are, when the
page's own text is too short to be a report and they are large enough to hold text: an official account
posts its report as screenshots of the text, and they are read by OCR where they stand
(`qa.readers.image.pictures_read`). Parsed with the standard library's `email` package.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urljoin

from qa.readers.base import Decoded, IngestError, Limits
from qa.readers.html import read_markup
from qa.readers.text import decode_text

#: Charsets a Chinese page declares that GB18030, their superset, reads whole (a page declared GB2312 often
#: holds characters only GBK has).
_GB_CHARSETS = ("gb2312", "gbk", "gb18030", "x-gbk")


def read(path: Path, data: bytes, limits: Limits) -> Decoded:
    message = message_from_bytes(data, policy=policy.default)
    page = root_page(message)
    if page is None:
        raise IngestError(f"{path}: 网页存档（.mht）中没有网页部分，请在浏览器中打开后另存为 .html 或 PDF 后重试")
    body = page.get_payload(decode=True) or b""
    charset = (page.get_content_charset() or "").lower()
    charset = "gb18030" if charset in _GB_CHARSETS else charset
    try:
        markup = body.decode(charset) if charset else decode_text(body, path)
    except (LookupError, UnicodeDecodeError):
        markup = decode_text(body, path)
    decoded = read_markup(path, markup, limits)
    pictures = _pictures(message, page)
    if not pictures:
        return decoded
    from qa.readers.image import pictures_read

    base = page.get("Content-Location") or ""
    with_text = pictures_read(markup, lambda src: pictures.get(urljoin(base, src)) or pictures.get(src), path, limits, decoded.text)
    return decoded if with_text == markup else read_markup(path, with_text, limits)


def _pictures(message: EmailMessage, page: EmailMessage) -> dict[str, bytes]:
    """The archive's pictures by the addresses a page names them by: their Content-Location, and cid: their
    Content-ID."""
    out: dict[str, bytes] = {}
    for part in message.walk():
        if part is page or part.is_multipart() or part.get_content_maintype() != "image":
            continue
        data = part.get_payload(decode=True) or b""
        if location := part.get("Content-Location"):
            out[str(location).strip()] = data
        if content_id := part.get("Content-ID"):
            out["cid:" + str(content_id).strip().strip("<>")] = data
    return out


def root_page(message: EmailMessage) -> EmailMessage | None:
    """The archive's page: the part its `start` parameter names (RFC 2387), else its first HTML part; a
    frame's page saved beside it comes later."""
    if not message.is_multipart():
        return message if message.get_content_type() == "text/html" else None
    parts = [part for part in message.walk() if not part.is_multipart()]
    start = message.get_param("start", header="content-type")
    if isinstance(start, str) and (named := next((p for p in parts if p.get("Content-ID") == start), None)) is not None:
        return named
    return next((part for part in parts if part.get_content_type() == "text/html"), None)
