"""Conditions (`when`, spec §2): which items and materials apply to an applicant."""

from __future__ import annotations

from onething.catalog.entities import Answer, Answers, Condition


def holds(condition: Condition, answers: Answers) -> bool:
    """Every entry must hold; an unanswered question makes its entry false.

    Booleans are only equal to booleans here (in Python ``True == 1``), so a
    boolean answer never satisfies a choice and the other way round.
    """
    for question_id, allowed in condition.items():
        answer = answers.get(question_id)
        if answer is None or not any(_same(answer, value) for value in allowed):
            return False
    return True


def _same(answer: Answer, value: Answer) -> bool:
    return type(answer) is type(value) and answer == value
