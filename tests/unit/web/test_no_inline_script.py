"""No template holds what the Content-Security-Policy refuses: an inline <script>, an
on…= event handler, a style="…" attribute or a <style> element. Scripts are static files
(web/static/onething/*.js) that read their data from data- attributes or json_script.

The PDF documents (WeasyPrint renders them; no browser is shown them as a page) keep
their inline styles."""

import re
from pathlib import Path

import onething

SOURCE = Path(onething.__file__).parent
DOCUMENTS = {"document_base.html", "certificate.html"}  # and every *_document.html
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def pages() -> list[Path]:
    return [
        path
        for path in sorted(SOURCE.glob("*/templates/**/*.html"))
        if path.name not in DOCUMENTS and not path.name.endswith("_document.html")
    ]


def test_there_are_pages_to_check():
    names = {path.name for path in pages()}
    assert {"base.html", "case.html", "dashboard.html", "complaint_new.html"} <= names


def test_no_page_template_has_an_inline_script_or_handler():
    problems = []
    for path in pages():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(SOURCE)
        for attributes in SCRIPT.findall(text):
            if "src=" not in attributes and "application/json" not in attributes:
                problems.append(f"{where}: inline <script{attributes}>")
        problems += [f"{where}: event handler {m.group(0)[-40:]!r}" for m in HANDLER.finditer(text)]
    assert not problems, "\n".join(problems)


def test_no_page_template_has_an_inline_style():
    problems = []
    for path in pages():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(SOURCE)
        problems += [f"{where}: style attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
        problems += [f"{where}: <style> element" for _ in STYLE_ELEMENT.finditer(text)]
    assert not problems, "\n".join(problems)


def test_the_scripts_the_templates_name_exist():
    """In web/static or in an app's own static folder (Django's app directories finder)."""
    folders = [SOURCE / "web" / "static", *SOURCE.glob("*/static")]
    named = set()
    for path in pages():
        named |= set(re.findall(r"\{% static '([^']+\.js)' %\}", path.read_text(encoding="utf-8")))
    assert "onething/complaint.js" in named and "tickets/display.js" in named
    missing = [n for n in sorted(named) if not any((f / n).is_file() for f in folders)]
    assert missing == []
