"""多地联办's small rules: which partner serves a place (GB/T 2260 prefixes) and what a
`status` message says of the partner's decision."""

import pytest

from onething.exchange.joint import _prefix, outcome_of


@pytest.mark.parametrize(
    ("region", "prefix"),
    [("610800", "6108"), ("610000", "61"), ("610802", "610802"), ("141100", "1411")],
)
def test_a_region_covers_the_places_under_it(region, prefix):
    assert _prefix(region) == prefix
    assert "610802".startswith(_prefix("610800")) and not "141102".startswith(_prefix("610800"))


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        ({"state": "in_progress", "outcome": ""}, ""),
        ({"state": "ready", "outcome": "approved"}, "approved"),
        ({"state": "ready", "outcome": "rejected"}, "rejected"),
        ({"state": "refused"}, "rejected"),  # 不予受理 there
        ({"state": "ready"}, ""),  # an older partner that does not say: wait
        ({"state": "ready", "outcome": "maybe"}, ""),
    ],
)
def test_the_partners_decision_is_read_from_its_status(body, outcome):
    assert outcome_of(body) == outcome
