"""帮办代办's consent code and 上门办's states as pure rules (no database)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from onething.outreach import rules
from onething.outreach.rules import CodeVerdict, SentCode, VisitState, check_code

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
FRESH = SentCode(NOW + rules.CODE_LIFETIME, used=False, wrong_tries=0)


def test_a_fresh_code_that_matches_is_accepted():
    assert check_code(FRESH, "123456", True, NOW) == CodeVerdict.OK


def test_a_wrong_code_counts_and_five_wrong_tries_lock_it():
    assert check_code(FRESH, "123456", False, NOW) == CodeVerdict.WRONG
    four = SentCode(FRESH.expires_at, False, rules.MAX_WRONG_TRIES - 1)
    assert check_code(four, "123456", True, NOW) == CodeVerdict.OK  # the 5th try may be right
    locked = SentCode(FRESH.expires_at, False, rules.MAX_WRONG_TRIES)
    assert check_code(locked, "123456", True, NOW) == CodeVerdict.LOCKED  # even when right
    assert rules.tries_left(4) == 1 and rules.tries_left(7) == 0


def test_a_code_lasts_ten_minutes():
    assert timedelta(minutes=10) == rules.CODE_LIFETIME
    just_before = NOW + rules.CODE_LIFETIME - timedelta(seconds=1)
    assert check_code(FRESH, "123456", True, just_before) == CodeVerdict.OK
    assert check_code(FRESH, "123456", True, FRESH.expires_at) == CodeVerdict.EXPIRED


def test_a_used_code_is_refused_whatever_is_typed():
    used = SentCode(FRESH.expires_at, used=True, wrong_tries=0)
    assert check_code(used, "123456", True, NOW) == CodeVerdict.USED


def test_no_code_sent_and_malformed_codes():
    assert check_code(SentCode(None, False, 0), "123456", False, NOW) == CodeVerdict.NONE
    for typed in ("", "12345", "1234567", "abcdef", "12 34 5"):
        assert check_code(FRESH, typed, False, NOW) == CodeVerdict.MALFORMED
    assert rules.normalised_code(" １２３ ４５６ ") == "123456"  # full-width and spaces


@given(st.integers(min_value=0, max_value=20), st.booleans(), st.integers(-20, 20))
def test_only_an_unused_unexpired_unlocked_matching_code_passes(tries, used, minutes):
    sent = SentCode(FRESH.expires_at, used, tries)
    now = NOW + timedelta(minutes=minutes)
    verdict = check_code(sent, "654321", True, now)
    passes = not used and tries < rules.MAX_WRONG_TRIES and now < sent.expires_at
    assert (verdict == CodeVerdict.OK) == passes


def test_new_codes_are_six_digits():
    codes = {rules.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150


def test_a_visit_goes_requested_scheduled_done_or_cancelled():
    assert rules.visit_step("requested", "schedule") == VisitState.SCHEDULED
    assert rules.visit_step("scheduled", "schedule") == VisitState.SCHEDULED  # moved
    assert rules.visit_step("scheduled", "accept") == VisitState.DONE
    assert rules.visit_step("requested", "cancel") == VisitState.CANCELLED
    for state, action in (("requested", "accept"), ("done", "cancel"), ("cancelled", "schedule")):
        with pytest.raises(rules.VisitRefused, match="不能"):
            rules.visit_step(state, action)


def test_reasons_and_identity():
    assert rules.reason_problem("elderly", "") == ""
    assert "其他" in rules.reason_problem("other", " ")
    assert rules.reason_problem("bored", "") != ""
    assert rules.same_id_number("14233119850315123x", "14233119850315123X")
    assert not rules.same_id_number("142331198503151231", "142331198503151232")
    assert not rules.same_id_number("", "")
