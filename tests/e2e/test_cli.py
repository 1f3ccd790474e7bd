"""The `onething` command line as a user runs it: output, stderr and exit codes."""

import json
import re
from pathlib import Path

import pytest

from tests.catalogs import FIXTURES
from tests.faults import onething_cli

SMALL = str(FIXTURES / "small.yaml")
PHARMACY = [
    "-a",
    "sells_food=true",
    "-a",
    "sells_class2_devices=true",
    "-a",
    "sells_class3_devices=true",
    "-a",
    "has_signboard=true",
]


onething = onething_cli


def test_check_says_ok_with_counts():
    result = onething("catalog", "check", SMALL)
    assert (result.returncode, result.stdout) == (0, "ok: 5 items, 1 packages\n")


def test_check_lists_every_problem_and_exits_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        Path(SMALL)
        .read_text()
        .replace("department: fire", "department: firemen")
        .replace("after: [fire, sign]", "after: [fire, sign, ghost]")
    )
    result = onething("catalog", "check", str(broken))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "items[fire].department: unknown department 'firemen'",
        "packages[open_shop].items[4].after[2]: unknown item 'ghost'",
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content", [b"\x89PNG\r\n\x1a\n\x00\x00", b"items: [", b"- just\n- a list\n"]
)
def test_check_on_garbage_never_shows_a_traceback(tmp_path, content):
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(content)
    result = onething("catalog", "check", str(garbage))
    assert result.returncode == 1
    assert result.stdout.startswith("(document): ")
    assert "Traceback" not in result.stderr


def test_demo_pharmacy_guide_reproduces_the_seed_figures():
    result = onething("guide", "demo", "open_pharmacy", *PHARMACY, "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)["stats"]
    assert stats == {
        **stats,
        "items": 7,
        "materials_separate": 42,
        "materials_merged": 21,
        "days_serial": 51,
        "days_parallel": 15,
        "trips_separate": 14,
        "trips_package": 1,
    }


def test_text_guide_shows_the_savings_plainly():
    result = onething("guide", "demo", "open_pharmacy", *PHARMACY)
    assert "申请材料 42 → 21 份" in result.stdout
    assert "办理时限 51 → 15 个工作日" in result.stdout
    assert "跑动次数 14 → 1 次" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "error: unknown package 'nope'"),
        (["open_shop", "-a", "colour=red"], "error: package 'open_shop' asks no question 'colour'"),
        (["open_shop", "-a", "size=巨型"], "error: '巨型' is not one of the choices of 'size'"),
        (["open_shop", "-a", "sells_food"], "error: --answer 'sells_food' must look like ID=VALUE"),
    ],
)
def test_guide_request_errors_are_one_line_and_exit_2(args, message):
    result = onething("guide", SMALL, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1


def test_html_and_pdf_guides(tmp_path):
    html = onething(
        "guide",
        SMALL,
        "open_shop",
        "-a",
        "size=大型",
        "--format",
        "html",
        "--base-url",
        "https://zwfw.example.cn",
    )
    assert html.returncode == 0
    assert "<h1>我要开店</h1>" in html.stdout
    assert "https://zwfw.example.cn/guides/open_shop?size=" in html.stdout
    target = tmp_path / "guide.pdf"
    pdf = onething("guide", SMALL, "open_shop", "--format", "pdf", "-o", str(target))
    assert pdf.returncode == 0 and target.read_bytes().startswith(b"%PDF-")


def test_calendar_add_contract():
    result = onething("calendar", "add", "2026-11-20", "1")
    assert (result.returncode, result.stdout) == (0, "2026-11-23\n")


def test_calendar_add_in_a_provisional_year_warns_on_stderr():
    result = onething("calendar", "add", "2026-12-30", "3")
    assert result.returncode == 0
    assert result.stdout == "2027-01-05\n"  # 12-31, (1-1 元旦, 1-2/1-3 weekend), 1-4, 1-5
    assert "2027 is provisional" in result.stderr


def test_import_stores_a_version(tmp_path):
    assert onething("setup", "--no-demo", data_dir=tmp_path).returncode == 0
    first = onething("catalog", "import", SMALL, data_dir=tmp_path)
    assert first.stdout == "imported version 1: 5 items, 1 packages\n"
    again = onething("catalog", "import", SMALL, data_dir=tmp_path)
    assert again.stdout == "unchanged: version 1 is already this catalogue\n"


def test_sweep_runs_once(tmp_path):
    assert onething("setup", "--no-demo", data_dir=tmp_path).returncode == 0
    result = onething("sweep", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (
        "sweep: 0 deemed accepted, 0 notifications delivered, 0 licences expired, "
        "0 rectifications escalated, 0 dashboard days recomputed\n"
    )


def test_demo_simulates_a_month_and_refuses_bad_numbers(tmp_path):
    assert onething("setup", data_dir=tmp_path).returncode == 0
    result = onething("demo", "--days", "5", "--per-day", "2", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.match(r"simulated 5 days: \d+ cases, \d+ finished", result.stdout)
    bad = onething("demo", "--days", "0", data_dir=tmp_path)
    assert bad.returncode == 2 and "error: --days must be 1-366" in bad.stderr
