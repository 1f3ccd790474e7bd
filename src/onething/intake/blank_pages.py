"""Blank pages in an uploaded material (预审): a page with neither text nor any mark —
what a scanner produces from an empty sheet or a page fed the wrong way round. Pure.

- a JPEG or PNG is its own page: blank when, reduced to a thumbnail (which averages
  the scanner's noise away), its shades hardly vary;
- a PDF page is blank when it draws nothing (no text, path or image operator), or draws
  only images that are themselves blank;
- an OFD or a damaged file: not judged (nothing is flagged).
"""

from __future__ import annotations

import io
import logging

MAX_PAGES = 100  # a longer document is judged on its first pages only
_SPREAD = 3.0  # standard deviation of grey shades below which an image is blank
_TEXT = {b"Tj", b"TJ", b"'", b'"'}
_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"INLINE IMAGE"}


def blank_pages(kind: str, data: bytes) -> tuple[int, ...]:
    """The 1-based numbers of the blank pages; () when none or when it cannot be told."""
    try:
        if kind in ("jpg", "png"):
            return (1,) if _blank_image(data) else ()
        if kind == "pdf":
            return _blank_pdf_pages(data)
    except Exception:  # a damaged file is not judged: the window sees it anyway
        return ()
    return ()


def _blank_image(data: bytes) -> bool:
    from PIL import Image, ImageStat

    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (256, 256))  # JPEG: decode at a fraction of the size
        grey = image.convert("L")
        grey.thumbnail((64, 64))
        return ImageStat.Stat(grey).stddev[0] < _SPREAD


def _blank_pdf_pages(data: bytes) -> tuple[int, ...]:
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    blank = []
    for number, page in enumerate(reader.pages[:MAX_PAGES], 1):
        contents = page.get_contents()
        operators = (
            {op for _operands, op in ContentStream(contents, reader).operations}
            if contents is not None
            else set()
        )
        if operators & (_TEXT | _PAINT):
            continue
        if b"Do" in operators and not all(_blank_image(i.data) for i in page.images):
            continue
        blank.append(number)
    return tuple(blank)
