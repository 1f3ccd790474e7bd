"""Hypothesis strategies: valid catalogue documents with random packages, and answers."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MATERIALS = [f"m{i}" for i in range(8)]
FIELDS = [f"f{i}" for i in range(6)]
CHOICES = ["甲", "乙", "丙"]


@st.composite
def conditions(draw, questions: list[dict]) -> dict:
    if not questions or draw(st.booleans()):
        return {}
    chosen = draw(
        st.lists(st.sampled_from(questions), min_size=1, max_size=2, unique_by=lambda q: q["id"])
    )
    when: dict[str, Any] = {}
    for question in chosen:
        if question["type"] == "boolean":
            when[question["id"]] = draw(st.booleans())
        else:
            values = draw(st.lists(st.sampled_from(CHOICES), min_size=1, max_size=3, unique=True))
            when[question["id"]] = values if len(values) > 1 else values[0]
    return when


@st.composite
def catalog_documents(draw, max_items: int = 10) -> dict:
    """A valid catalogue with one package 'p' over a random dependency DAG."""
    questions = [
        {"id": f"q{i}", "text": f"问题{i}？", "type": "boolean"}
        for i in range(draw(st.integers(0, 3)))
    ] + [
        {"id": f"c{i}", "text": f"选择{i}？", "type": "choice", "choices": CHOICES}
        for i in range(draw(st.integers(0, 2)))
    ]
    count = draw(st.integers(1, max_items))
    items = []
    for index in range(count):
        kind = draw(st.sampled_from(["instant", "promise"]))
        promised = 0 if kind == "instant" else draw(st.integers(0, 30))
        materials = [
            {
                "material": material,
                "copies": draw(st.integers(1, 3)),
                "required": draw(st.booleans()),
                "when": draw(conditions(questions)),
            }
            for material in draw(st.lists(st.sampled_from(MATERIALS), max_size=5, unique=True))
        ]
        items.append(
            {
                "id": f"i{index}",
                "name": f"事项{index}",
                "department": draw(st.sampled_from(["d0", "d1", "d2"])),
                "levels": ["city"],
                "kind": kind,
                "legal_days": promised + draw(st.integers(0, 10)),
                "promised_days": promised,
                "trips": draw(st.integers(0, 4)),
                "fields": draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)),
                "materials": materials,
            }
        )
    # Dependencies only point to items earlier in a random topological order, so the
    # graph is acyclic; the package lists the items in another random order.
    topological = draw(st.permutations(range(count)))
    rank = {item: position for position, item in enumerate(topological)}
    package_items = []
    for index in draw(st.permutations(range(count))):
        earlier = [other for other in range(count) if rank[other] < rank[index]]
        after = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True)) if earlier else []
        package_items.append(
            {
                "item": f"i{index}",
                "after": [f"i{a}" for a in after],
                "when": draw(conditions(questions)),
            }
        )
    return {
        "version": 1,
        "departments": [{"id": d, "name": f"部门{d}"} for d in ("d0", "d1", "d2")],
        "materials": [{"id": m, "name": f"材料{m}"} for m in MATERIALS],
        "fields": [
            {"id": f, "label": f"字段{f}", "type": "text", "required": f != "f5"} for f in FIELDS
        ],
        "items": items,
        "packages": [
            {
                "id": "p",
                "name": "套餐",
                "trips": draw(st.integers(0, 2)),
                "questions": questions,
                "items": package_items,
            }
        ],
    }


@st.composite
def answers_for(draw, package) -> dict:
    answers = {}
    for question in package.questions:
        if draw(st.booleans()):
            answers[question.id] = (
                draw(st.booleans())
                if question.type == "boolean"
                else draw(st.sampled_from(question.choices))
            )
    return answers
