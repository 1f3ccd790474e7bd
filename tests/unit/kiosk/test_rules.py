"""The kiosk's pure rules: one-time sign-in codes and the card reader's ID numbers."""

from datetime import UTC, datetime, timedelta

from onething.kiosk import rules

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def test_a_new_code_is_eight_digits_the_keypad_can_type():
    code = rules.new_code()
    assert len(code) == rules.CODE_DIGITS and code.isdigit()


def test_a_code_lasts_two_minutes():
    assert rules.expiry_of(NOW) == NOW + timedelta(seconds=120)


def test_a_fresh_unused_code_signs_in():
    assert rules.code_refusal(rules.expiry_of(NOW), None, NOW + timedelta(seconds=119)) is None


def test_an_expired_code_is_refused():
    expires = rules.expiry_of(NOW)
    assert rules.code_refusal(expires, None, expires) == rules.EXPIRED
    assert "过期" in rules.EXPIRED


def test_a_used_code_is_refused_even_before_it_expires():
    assert rules.code_refusal(rules.expiry_of(NOW), NOW, NOW) == rules.USED
    assert "已使用" in rules.USED


def test_what_was_typed_loses_its_spaces():
    assert rules.normalised_code(" 1234 5678 ") == "12345678"
    assert rules.normalised_code("1234-5678") == "12345678"


def test_a_card_number_is_eighteen_characters_with_an_upper_case_x():
    assert rules.normalised_id_number("14233119850315123x") == "14233119850315123X"
    assert rules.normalised_id_number(" 142331198503151231 ") == "142331198503151231"
    assert rules.normalised_id_number("12345") is None
    assert rules.normalised_id_number("") is None
