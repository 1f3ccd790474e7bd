"""Dashboard benchmark (issue 6): the supervisor's figures over 1,000,000 cases on
PostgreSQL. Goal: the dashboard answers in under 300 ms.

Run: python -m bench.dashboard_bench [--cases N]  (needs PostgreSQL: ONETHING_BENCH_POSTGRES,
default postgresql://postgres@127.0.0.1:5432/onething_bench — recreated for the run).
The cases are generated in SQL (generate_series): states, dates, days taken, ratings.
"""

from __future__ import annotations

import argparse
import statistics
import time


def generate(cases: int) -> None:
    from django.db import connection

    from onething.accounts.models import User
    from onething.catalog.models import CatalogVersion

    version = CatalogVersion.objects.order_by("-number").values_list("pk", flat=True).first()
    applicant = User.objects.get(username="yaofang").pk
    packages = ["open_pharmacy", "open_restaurant", "start_business", "newborn", "retirement"]
    names = ["我要开药店", "我要开餐馆", "开办企业一件事", "新生儿出生一件事", "退休一件事"]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_case (public_id, number, catalog_version_id, package_id,
                package_name, answers, form_text, applicant_id, channel, "window", place,
                state, version, created_at, submitted_at, accepted_at, due_date, ready_at,
                completed_at, refusal_reason, days_taken)
            SELECT md5(i::text || 'x')::uuid, '141102-B-' || i, %(version)s,
                (%(packages)s::text[])[1 + i %% 5], (%(names)s::text[])[1 + i %% 5],
                '{}'::jsonb, '', %(applicant)s, 'web',
                CASE WHEN i %% 3 = 0 THEN '141102' WHEN i %% 3 = 1 THEN '141181' ELSE '141100' END,
                CASE WHEN i %% 3 = 0 THEN '141102' WHEN i %% 3 = 1 THEN '141181' ELSE '141102' END,
                CASE WHEN i %% 10 < 7 THEN 'completed' WHEN i %% 10 < 9 THEN 'in_progress'
                     ELSE 'submitted' END,
                1, now() - (i %% 365) * interval '1 day', now() - (i %% 365) * interval '1 day',
                CASE WHEN i %% 10 < 9 THEN now() - (i %% 365) * interval '1 day' END,
                (now() - (i %% 365) * interval '1 day' + interval '20 days')::date,
                CASE WHEN i %% 10 < 7
                     THEN now() - (i %% 365) * interval '1 day' + (i %% 25) * interval '1 day' END,
                CASE WHEN i %% 10 < 7
                     THEN now() - (i %% 365) * interval '1 day' + (i %% 26) * interval '1 day' END,
                '', CASE WHEN i %% 10 < 7 THEN i %% 25 END
            FROM generate_series(1, %(cases)s) AS i
            """,
            {
                "version": version,
                "packages": packages,
                "names": names,
                "applicant": applicant,
                "cases": cases,
            },
        )
        cursor.execute(
            """
            INSERT INTO evaluation_rating (case_id, stage, level, reasons, text, channel,
                rater_id, created_at, appeal, removed, removal_reason)
            SELECT id, 'overall', 1 + (id %% 5), '[]'::jsonb, '', 'web', %(applicant)s, now(),
                '', false, ''
            FROM cases_case WHERE state = 'completed' AND id %% 2 = 0
            """,
            {"applicant": applicant},
        )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from bench.cases_bench import configure, prepare

    label = configure("postgres")
    prepare()
    started = time.perf_counter()
    generate(args.cases)
    took = time.perf_counter() - started
    print(f"dashboard on {label}: generated {args.cases:,} cases in {took:.0f} s")
    from onething.evaluation.dashboard import Filters, figures

    for title, filters in (
        ("all", Filters()),
        ("离石区", Filters(jurisdiction="141102")),
        ("one package, one quarter", Filters(package="open_pharmacy", start=None)),
    ):
        figures(filters)  # warm the caches
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = figures(filters)
            samples.append(time.perf_counter() - start)
        print(
            f"  figures ({title}): median {statistics.median(samples) * 1000:.0f} ms, "
            f"worst {max(samples) * 1000:.0f} ms — {result.filed:,} cases, "
            f"on time {result.on_time:,}/{result.finished:,} (goal: under 300 ms)"
        )


if __name__ == "__main__":
    main()
