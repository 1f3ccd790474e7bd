"""智能问答 on a guide (pure: no Django): what a citizen asks about a package — 要带什么材料,
多久能办好, 要收费吗, 在哪里办, 能网上办吗, 需要跑几次 — recognised by its words and
answered from the guide for the answers given so far, citing the guide's section.

A question none of these covers is not guessed at: the service forwards it to the
complaints loop (12345) as a 咨询.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from onething.catalog.guide import Guide
from onething.search.rules import clean

QUESTION_LIMIT = 200  # characters of a question that are kept


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the guide page: its anchor and its heading."""

    anchor: str
    title: str


SUMMARY = Section("summary-title", "一次告知")
ITEMS = Section("items-title", "办理事项")
MATERIALS = Section("materials-title", "申请材料")

# intent → the words that say it (checked in this order: 多少钱 is a fee, not a count).
INTENTS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (intent, tuple(words.split()))
    for intent, words in (
        ("fee", "收费 费用 多少钱 花钱 要钱 交钱 付钱 免费 收钱 缴费 费"),
        ("trips", "跑几次 跑几趟 几趟 去几次 跑动 跑腿 来几次 几次 跑"),
        ("online", "网上 线上 在线 网办 手机上 手机办 不用去 上网 网络"),
        ("time", "多久 多长时间 几天 时限 多少天 什么时候 办好 办完 时间"),
        ("materials", "材料 资料 带什么 准备什么 提交什么 证件 带啥 要带 交什么"),
        ("where", "哪里 在哪 哪儿 地点 地址 窗口 哪个部门 去哪 大厅 部门"),
    )
)
INTENT_LABELS = {
    "materials": "要带什么材料",
    "time": "多久能办好",
    "fee": "要收费吗",
    "where": "在哪里办",
    "online": "能网上办吗",
    "trips": "需要跑几次",
}


@dataclass(frozen=True, slots=True)
class GuideAnswer:
    intent: str  # one of INTENT_LABELS
    text: str  # the whole answer in one paragraph
    section: Section
    lead: str = ""  # for a page: the sentence before the list …
    points: tuple[str, ...] = ()  # … the list (the materials) …
    note: str = ""  # … and what follows it


def clean_question(question: str) -> str:
    """The question as kept: plain text, no markup or control characters, at most
    QUESTION_LIMIT characters."""
    text = re.sub(r"[\x00-\x1f\x7f<>]", " ", question)
    return re.sub(r"\s+", " ", text).strip()[:QUESTION_LIMIT]


def intent_of(question: str) -> str | None:
    """Which of the known questions this is, or None (traditional characters and
    full-width forms read as simplified)."""
    text = clean(question[:QUESTION_LIMIT]).replace(" ", "")
    for intent, words in INTENTS:
        if any(word in text for word in words):
            return intent
    return None


def answer(guide: Guide, intent: str) -> GuideAnswer:
    return ANSWERS[intent](guide)


def _materials(guide: Guide) -> GuideAnswer:
    to_bring = [m for m in guide.materials if not (m.generated or m.produced_by)]
    made = len(guide.materials) - len(to_bring)
    if not to_bring:
        return GuideAnswer("materials", "按您目前的回答，无需提交材料。", MATERIALS)
    points = tuple(
        f"{m.name}（{m.copies} 份{'' if m.required else '，视情提交'}）" for m in to_bring
    )
    listed = "；".join(f"{n}. {point}" for n, point in enumerate(points, 1))
    extra = f"另有 {made} 份由平台或本件事生成，无需提交。" if made else ""
    lead = f"按您目前的回答，需要准备 {len(to_bring)} 份材料，每份只交一次："
    text = f"{lead}{listed}。{extra}"
    return GuideAnswer("materials", text, MATERIALS, lead, points, extra)


def _time(guide: Guide) -> GuideAnswer:
    stats = guide.stats
    if not stats.items:
        return GuideAnswer("time", "按您目前的回答，没有需要办理的事项。", ITEMS)
    if stats.days_parallel == 0:
        text = "即办：材料齐全、符合条件的，当场办结。"
    else:
        text = f"受理后 {stats.days_parallel} 个工作日内办结（各部门并联办理"
        if stats.days_serial > stats.days_parallel:
            text += f"；逐个办理要 {stats.days_serial} 个工作日"
        text += "）。"
    return GuideAnswer("time", text, SUMMARY)


def _fee(guide: Guide) -> GuideAnswer:
    charged = [gi.item for gi in guide.items if gi.item.fee]
    if not charged:
        return GuideAnswer("fee", "不收费：按您目前的回答，所有事项都不收取费用。", ITEMS)
    total = sum(item.fee for item in charged)
    listed = "；".join(f"{item.name} {item.fee:g} 元" for item in charged)
    return GuideAnswer("fee", f"共收费 {total:g} 元：{listed}；其余事项不收费。", ITEMS)


def _where(guide: Guide) -> GuideAnswer:
    departments = "、".join(
        dict.fromkeys(
            guide.department_names.get(gi.item.department, gi.item.department) for gi in guide.items
        )
    )
    text = (
        "一窗受理：可以在网上“在线申报”，也可以到政务服务中心综合窗口一次提交，不必分别去各部门。"
    )
    if departments:
        text += f"受理后由{departments}并联办理。"
    return GuideAnswer("where", text, ITEMS)


def _online(guide: Guide) -> GuideAnswer:
    items = [gi.item for gi in guide.items]
    full = [item for item in items if item.depth == "full"]
    if items and len(full) == len(items):
        text = "可以：全部事项都能全程网办，在网上“在线申报”即可，不用跑窗口。"
    else:
        text = "可以在网上“在线申报”，一次提交全部事项；"
        text += f"其中 {len(full)} 个事项可全程网办，" if full else ""
        text += f"按一件事办理需到现场 {guide.package.trips} 次（核验原件、领取结果）。"
    return GuideAnswer("online", text, ITEMS)


def _trips(guide: Guide) -> GuideAnswer:
    stats = guide.stats
    if stats.trips_package == 0:
        text = "一次也不用跑：全程网办。"
    else:
        text = f"最多跑 {stats.trips_package} 次"
        if stats.trips_separate > stats.trips_package:
            text += f"（各事项分别办理要跑 {stats.trips_separate} 次）"
        text += "。"
    return GuideAnswer("trips", text, SUMMARY)


ANSWERS = {
    "materials": _materials,
    "time": _time,
    "fee": _fee,
    "where": _where,
    "online": _online,
    "trips": _trips,
}
