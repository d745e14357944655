"""Page bytes to text, the way a browser picks the encoding.

Order (w3lib): byte-order mark, the Content-Type header's charset, the page's own
`<meta charset>` declaration, then our guess for undeclared pages: UTF-8 when the bytes are
valid UTF-8, windows-1256 when they read as Arabic in it (older Arabic sites), else windows-1252.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

_ARABIC_SHARE = 0.3  # of the letters, for an undeclared non-UTF-8 page to be read as windows-1256


def _looks_arabic(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return arabic / len(letters) >= _ARABIC_SHARE


def guess_encoding(body: bytes) -> str:
    """The encoding of a page that declares none."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if _looks_arabic(body.decode("cp1256", errors="replace")):
        return "cp1256"
    return "cp1252"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page's text; undecodable bytes become U+FFFD rather than an error.

    A header that claims UTF-8 for bytes that are not UTF-8 (a server's default charset in
    front of an old windows-1256 page) is not believed: the page's own declaration, else our
    guess, decides instead.
    """
    if not body:
        return ""
    if content_type and _claims_utf8(content_type) and not _is_utf8(body):
        content_type = None
    _encoding, text = html_to_unicode(content_type, body, auto_detect_fun=guess_encoding)
    return text


def _claims_utf8(content_type: str) -> bool:
    return "utf-8" in content_type.lower().replace("utf8", "utf-8")


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
