"""What an uploaded file is, by its content: never by its name."""

import io
import zipfile

import pytest
from hypothesis import given, strategies as st
from pypdf import PdfWriter

from onething.intake.files import UploadRefused, examine, safe_display_name


def pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ofd(pages: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        for number in range(pages):
            archive.writestr(f"Doc_0/Pages/Page_{number}/Content.xml", "<ofd:Page/>")
    return buffer.getvalue()


def test_kinds_and_pages_come_from_the_content():
    assert examine(pdf(3)).kind == "pdf" and examine(pdf(3)).pages == 3
    assert (examine(ofd(2)).kind, examine(ofd(2)).pages) == ("ofd", 2)
    assert examine(b"\xff\xd8\xff\xe0 jpeg").content_type == "image/jpeg"
    assert examine(b"\x89PNG\r\n\x1a\n png").pages == 1


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable renamed .pdf",
        b"\x7fELF binary",
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 a zip that is not OFD",
        b"GIF89a",
    ],
)
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(UploadRefused, match="只接受 PDF、OFD、JPG 或 PNG"):
        examine(data)


def test_size_limits_and_empty_files():
    with pytest.raises(UploadRefused, match="每份材料不超过 10 MB"):
        examine(b"%PDF-" + b"0" * (60 * 1024 * 1024))
    with pytest.raises(UploadRefused, match="文件是空的"):
        examine(b"")


def test_a_damaged_pdf_is_a_pdf_whose_pages_are_unknown():
    facts = examine(b"%PDF-1.7 truncated")
    assert facts.kind == "pdf" and facts.pages is None


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\合同.pdf", "合同.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("..", "材料.pdf"),
        ("", "材料.pdf"),
    ],
)
def test_names_are_only_shown_never_used_as_paths(name, shown):
    assert safe_display_name(name, "pdf") == shown


@given(st.text())
def test_any_name_is_safe_to_show(name):
    shown = safe_display_name(name, "pdf")
    assert shown and "/" not in shown and "\\" not in shown and not shown.startswith(".")
    assert len(shown) <= 100 and "<" not in shown and "\x00" not in shown
