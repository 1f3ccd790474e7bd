"""Complaint tracking codes (pure): 12 random characters of Crockford's base32, read back
forgivingly; codes of the old form still read as themselves."""

from hypothesis import given, strategies as st

from onething.evaluation.complaints import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    normalise_tracking,
    tracking_code,
    tracking_groups,
)

codes = st.text(alphabet=TRACKING_ALPHABET, min_size=TRACKING_LENGTH, max_size=TRACKING_LENGTH)


def test_a_new_code_is_twelve_characters_of_an_alphabet_without_confusable_letters():
    assert len(TRACKING_ALPHABET) == len(set(TRACKING_ALPHABET)) == 32
    assert not set("ILOU") & set(TRACKING_ALPHABET)
    drawn = [tracking_code() for _ in range(20_000)]
    assert all(len(code) == 12 and set(code) <= set(TRACKING_ALPHABET) for code in drawn)
    assert len(set(drawn)) == len(drawn)  # 60 random bits: no repeat in a sample this size
    assert set("".join(drawn)) == set(TRACKING_ALPHABET)


@given(codes, st.sampled_from(["", " ", "-", "－", "  "]), st.booleans())
def test_a_code_reads_back_however_it_is_grouped_and_cased(code, separator, lower):
    typed = separator.join(tracking_groups(code))
    assert normalise_tracking(typed.lower() if lower else typed) == code


@given(codes)
def test_o_is_read_as_zero_and_i_and_l_as_one(code):
    spoken = code.replace("0", "O").replace("1", "I")
    assert normalise_tracking(spoken) == code
    assert normalise_tracking(code.replace("1", "l")) == code


def test_what_cannot_be_a_code_is_none():
    for typed in ("", "12345", "K7QD0M1XA2B", "K7QD0M1XA2BCD", "K7QD0M1XA2BU", "K7QD*M1XA2BC"):
        assert normalise_tracking(typed) is None, typed


def test_an_old_code_keeps_its_form_and_its_letters():
    old = "12345-20261123-000001-K7QL"
    for typed in (old, old.lower(), old.replace("-", " "), old.replace("-", "")):
        assert normalise_tracking(typed) == old
    assert tracking_groups(old) == [old]
    assert tracking_groups("K7QD0M1XA2BC") == ["K7QD", "0M1X", "A2BC"]
