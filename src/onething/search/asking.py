"""智能问答 use case: a citizen's question about a package's guide, answered from the guide
for the answers given so far — or, when it is none of the questions the guide answers,
forwarded to the complaints loop (12345) as a 咨询 with the question and the package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse

from onething.catalog.entities import Answer, Package
from onething.catalog.guide import AnswerError, build_guide, parse_answer
from onething.catalog.services import current_catalog
from onething.core.errors import InvalidInput, NotFound
from onething.evaluation.complaint_services import ComplaintFiling, file_complaint, places
from onething.evaluation.open311 import DEFAULT_JURISDICTION
from onething.search.questions import (
    INTENT_LABELS,
    GuideAnswer,
    answer,
    clean_question,
    intent_of,
)

CHANNEL = "guide_qa"  # a 咨询 filed from a guide's questions (智能问答)


@dataclass(frozen=True, slots=True)
class Asked:
    package_id: str
    package_name: str
    question: str
    answer: GuideAnswer | None  # None: forwarded as a 咨询
    guide_url: str  # the guide with the answers, at the cited section
    tracking: str = ""  # the 咨询's tracking code when forwarded


@dataclass(frozen=True, slots=True)
class Question:
    package_id: str
    text: str
    answers: Mapping[str, str] | None = None  # the guide's questions answered so far
    phone: str = ""  # optional: for a reply by phone to a forwarded question
    place: str = ""  # optional: a jurisdiction code of the catalogue


def package_of(package_id: str) -> Package:
    current = current_catalog()
    package = current.catalog.packages.get(package_id) if current else None
    if package is None:
        raise NotFound(f"没有编号为 {str(package_id)[:40]} 的一件事")
    return package


def typed_answers(package: Package, raw: Mapping[str, str] | None) -> tuple[dict, list[str]]:
    """The package's answers among `raw` (empty means unanswered); each value that is not
    an answer, and each unknown question, reported in Chinese."""
    answers: dict[str, Answer] = {}
    problems: list[str] = []
    for key, value in (raw or {}).items():
        question = package.question(str(key))
        if question is None:
            problems.append(f"“{package.name}”没有编号为 {str(key)[:40]} 的问题")
        elif str(value).strip():
            try:
                answers[question.id] = parse_answer(question, str(value).strip())
            except AnswerError:
                problems.append(f"“{question.text}”的回答“{str(value)[:40]}”无效")
    return answers, problems


def ask(asked: Question, strict: bool = True) -> Asked:
    """Answer a question about a package's guide, or file it as a 咨询. `strict`: refuse
    answers that are not the package's (the API); a page ignores them, as the guide does."""
    package = package_of(asked.package_id)
    question = clean_question(str(asked.text or ""))
    if len(question) < 2:
        raise InvalidInput("请写下您的问题（至少 2 个字），例如：要带什么材料？")
    answers, problems = typed_answers(package, asked.answers)
    if problems and strict:
        raise InvalidInput("；".join(problems))
    intent = intent_of(question)
    if intent is None:
        tracking = _forward(package, question, asked)
        return Asked(
            package.id, package.name, question, None, _guide_url(package, answers), tracking
        )
    current = current_catalog()
    assert current is not None  # package_of found it
    told = answer(build_guide(current.catalog, package, answers), intent)
    if intent == "where" and (where := _halls_text()):
        told = replace(told, text=f"{told.text}{where}")
    url = _guide_url(package, answers, told.section.anchor)
    return Asked(package.id, package.name, question, told, url)


def _halls_text() -> str:
    """The halls where the window is, for 在哪里办 (the hall table: name, address, phone)."""
    from onething.search.services import halls

    listed = [
        f"{h.name}{f'（{h.address}）' if h.address else ''}{f'，电话 {h.phone}' if h.phone else ''}"
        for h in halls()
    ]
    return f"政务服务中心：{'；'.join(listed)}。" if listed else ""


def _forward(package: Package, question: str, asked: Question) -> str:
    """The question as a 咨询 of the complaints loop: the question and the package in its
    text, the package in `about`; anonymous unless a phone is left for the reply."""
    phone = str(asked.phone or "").strip()
    filing = ComplaintFiling(
        kind="consult",
        category="other",
        subject="general",
        text=f"【智能问答未能回答】关于“{package.name}”（{package.id}）的提问：{question}",
        about=f"一件事：{package.name}"[:200],
        jurisdiction=_place(asked.place),
        anonymous=not phone,
        contact_phone=phone,
        channel=CHANNEL,
    )
    return file_complaint(filing).tracking


def _place(code: str) -> str:
    known = places()
    code = str(code or "").strip()
    if code in known:
        return code
    if code:
        raise InvalidInput(f"没有代码为 {code[:12]} 的地区，请从列表中选择")
    return DEFAULT_JURISDICTION if DEFAULT_JURISDICTION in known else next(iter(known), "")


def _guide_url(package: Package, answers: Mapping[str, Answer], anchor: str = "") -> str:
    query = urlencode(
        {k: ("true" if v is True else "false" if v is False else v) for k, v in answers.items()}
    )
    page = reverse("guides:guide", args=[package.id])
    return page + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


SUGGESTED = tuple(INTENT_LABELS.values())  # the questions offered as one-tap buttons


def forwards(asked: Question) -> bool:
    """Whether this question would be filed as a 咨询 (so that filing is throttled)."""
    return len(clean_question(str(asked.text or ""))) >= 2 and intent_of(asked.text) is None


def consult(text: str, phone: str = "", place: str = "") -> str:
    """A question asked when a search found nothing: filed as a 咨询; its tracking code."""
    question = clean_question(str(text or ""))
    if len(question) < 5:
        raise InvalidInput("请写明您想办的事或想问的问题（至少 5 个字）")
    phone = str(phone or "").strip()
    filing = ComplaintFiling(
        kind="consult",
        category="other",
        subject="general",
        text=f"【搜索未找到】想办的事或问题：{question}",
        jurisdiction=_place(place),
        anonymous=not phone,
        contact_phone=phone,
        channel=CHANNEL,
    )
    return file_complaint(filing).tracking
