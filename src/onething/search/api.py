"""The search API under /api/v1 (public, no log-in): one search over packages and items,
and 智能问答 on a package's guide."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from onething.core.throttle import COMPLAINT_FILING, THROTTLED_RESPONSES, over_limit
from onething.search import asking, services

router = Router(tags=["搜索"])


class SearchResultOut(Schema):
    kind: Literal["package", "item"]
    id: str
    name: str
    score: float
    why: str


class SearchOut(Schema):
    query: str
    results: list[SearchResultOut]


class SearchQueryParams(Schema):
    q: str = Field("", description="what the person typed: words, a sentence, pinyin, initials")
    limit: int = Field(services.DEFAULT_LIMIT, ge=1, le=services.MAX_LIMIT)


@router.get("/search", response=SearchOut, summary="搜索一件事和事项")
def search(request: HttpRequest, params: Query[SearchQueryParams]):
    """Packages and items best first, each with why it matched; an empty list when nothing
    matches (any text is a valid query)."""
    answer = services.search(params.q, params.limit)
    return {"query": answer.query, "results": [result_out(hit) for hit in answer.results]}


def result_out(hit) -> dict:
    return {"kind": hit.kind, "id": hit.id, "name": hit.name, "score": hit.score, "why": hit.why}


class GuideQuestionIn(Schema):
    package_id: str
    question: str
    answers: dict[str, str | bool] = {}
    phone: str = ""
    place: str = ""


class GuideSectionOut(Schema):
    anchor: str
    title: str


class GuideAnswerOut(Schema):
    package_id: str
    package_name: str
    question: str
    answered: bool
    intent: str | None
    answer: str | None
    section: GuideSectionOut | None
    guide_url: str
    consultation: str | None = Field(None, description="the 咨询's tracking code when forwarded")


@router.post(
    "/search/ask",
    response=GuideAnswerOut,
    summary="智能问答：问一件事的办事指南",
    openapi_extra={"responses": THROTTLED_RESPONSES},
)
def ask(request: HttpRequest, body: GuideQuestionIn):
    """Answered from the guide for `answers` (要带什么材料, 多久能办好, 要收费吗, 在哪里办,
    能网上办吗, 需要跑几次), citing its section; any other question is filed as a 咨询 in the
    complaints loop (12345) and its tracking code returned."""
    answers = {k: str(v).lower() if isinstance(v, bool) else v for k, v in body.answers.items()}
    question = asking.Question(body.package_id, body.question, answers, body.phone, body.place)
    if asking.forwards(question) and (refused := over_limit(request, COMPLAINT_FILING)):
        return refused
    return asked_out(asking.ask(question))


def asked_out(asked: asking.Asked) -> dict:
    told = asked.answer
    return {
        "package_id": asked.package_id,
        "package_name": asked.package_name,
        "question": asked.question,
        "answered": told is not None,
        "intent": told.intent if told else None,
        "answer": told.text if told else None,
        "section": {"anchor": told.section.anchor, "title": told.section.title} if told else None,
        "guide_url": asked.guide_url,
        "consultation": asked.tracking or None,
    }


class SearchQuestionIn(Schema):
    question: str
    phone: str = ""
    place: str = ""


class SearchQuestionOut(Schema):
    consultation: str = Field(description="the 咨询's tracking code")


@router.post(
    "/search/question",
    response=SearchQuestionOut,
    summary="没找到要办的事：提个问题（12345 咨询）",
    openapi_extra={"responses": THROTTLED_RESPONSES},
)
def ask_when_nothing_found(request: HttpRequest, body: SearchQuestionIn):
    """What a search did not find, filed as a 咨询 in the complaints loop (as the page
    /search/question does); throttled as complaints are."""
    if refused := over_limit(request, COMPLAINT_FILING):
        return refused
    return {"consultation": asking.consult(body.question, body.phone, body.place)}
