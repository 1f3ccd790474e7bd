"""Form validation benchmark (issue 5): validate a 60-field one form — every kind of
field, every value valid, so every check runs to the end. Goal: under 2 ms median.

Run: python -m bench.intake_bench
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from onething.catalog.guide import GuideField
from onething.intake.validation import validate_form

# (type, a valid value, choices): ten kinds, six of each = 60 fields.
KINDS = [
    ("text", "吕梁康民大药房有限公司", ()),
    ("id_card", "142331196207082041", ()),
    ("uscc", "91141102MA0K5R2C1K", ()),
    ("phone", "13612341234", ()),
    ("email", "shop@example.cn", ()),
    ("integer", "120", ()),
    ("number", "50.5", ()),
    ("date", "2026-11-23", ()),
    ("choice", "有限责任公司", ("有限责任公司", "个人独资企业", "合伙企业")),
    ("address", "山西省吕梁市离石区永宁中路88号", ()),
]


def sixty_fields() -> tuple[list[GuideField], dict[str, str]]:
    fields, data = [], {}
    for copy in range(6):
        for kind, value, choices in KINDS:
            field_id = f"{kind}_{copy}"
            fields.append(GuideField(field_id, field_id, kind, True, ("item",), choices))
            data[field_id] = value
    return fields, data


def main() -> None:
    fields, data = sixty_fields()
    today = date(2026, 11, 23)
    assert validate_form(fields, data, today).ok
    for _ in range(200):  # warm up (stdnum loads its tables on first use)
        validate_form(fields, data, today)
    samples = []
    for _ in range(3000):
        start = time.perf_counter()
        validate_form(fields, data, today)
        samples.append(time.perf_counter() - start)
    samples.sort()
    print(
        f"validate a 60-field form: median {statistics.median(samples) * 1e3:.3f} ms, "
        f"p99 {samples[int(len(samples) * 0.99)] * 1e3:.3f} ms (goal: under 2 ms median)"
    )


if __name__ == "__main__":
    main()
