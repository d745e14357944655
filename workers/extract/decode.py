"""Page bytes to text, the way a browser picks the encoding.

Order: byte-order mark, the Content-Type header's charset, the page's own `<meta charset>`
declaration (each read by w3lib), then our guess for undeclared pages: UTF-8 when the bytes
are valid UTF-8, windows-1256 when they read as Arabic in it (older Arabic sites), else
windows-1252. (w3lib's html_to_unicode no longer takes a guesser: since 2.6 it is deprecated.)

A header is not believed when it is a server's default in front of a page in another
encoding: UTF-8 claimed for bytes that are not UTF-8, or a Latin charset claimed for bytes
that are UTF-8 or read as Arabic in windows-1256. The page's declaration, else the guess,
decides then.
"""

from __future__ import annotations

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

_ARABIC_SHARE = 0.3  # of the letters, for an undeclared non-UTF-8 page to be read as windows-1256
_LATIN_CHARSETS = frozenset({
    "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "windows-1252", "cp1252",
    "us-ascii", "ascii",
})


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

    A header that is a server's default charset in front of a page in another encoding (see
    the module's text) is not believed: the page's own declaration, else our guess, decides.
    """
    if not body:
        return ""
    encoding, bom = read_bom(body)
    if encoding is not None and bom is not None:
        return to_unicode(body[len(bom):], encoding)
    if content_type and not _header_believed(_header_charset(content_type), body):
        content_type = None
    encoding = (http_content_type_encoding(content_type) or html_body_declared_encoding(body)
                or guess_encoding(body))
    return to_unicode(body, encoding)


def _header_charset(content_type: str) -> str:
    """The charset a Content-Type names, lower case ("" for none)."""
    for part in content_type.lower().split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip() == "charset":
            return value.strip().strip("\"'")
    return ""


def _header_believed(charset: str, body: bytes) -> bool:
    if charset in ("utf-8", "utf8"):
        return _is_utf8(body)
    if charset in _LATIN_CHARSETS and not body.isascii():
        return not _is_utf8(body) and guess_encoding(body) != "cp1256"
    return True


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
