"""``onething calendar`` through Typer's test runner, with a data directory of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from onething.calendar.cli import app

ARRANGEMENT_2027 = """\
year: 2027
title: 国务院办公厅关于2027年部分节假日安排的通知
off:
  - 2027-01-01
  - 2027-02-05..2027-02-11
  - 2027-10-01..2027-10-07
on:
  - 2027-02-20
  - 2027-09-26
"""


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("ONETHING_DATA_DIR", str(directory))
    return directory


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_clean_failure(result: Result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_add_prints_the_date_n_working_days_later() -> None:
    result = run("add", "2026-11-20", "1")
    assert result.exit_code == 0
    assert result.stdout == "2026-11-23\n"
    assert result.stderr == ""


def test_add_takes_zero_and_negative_days() -> None:
    assert run("add", "2026-11-21", "0").stdout == "2026-11-21\n"
    assert run("add", "2026-11-23", "-1").stdout == "2026-11-20\n"
    assert run("add", "2026-11-23", "--", "-3").stdout == "2026-11-18\n"


def test_add_warns_on_stderr_about_a_provisional_year() -> None:
    result = run("add", "2026-12-30", "5")
    assert result.exit_code == 0
    assert result.stdout == "2027-01-07\n"
    assert result.stderr == (
        "warning: 2027 is provisional: holidays follow the statutory rule "
        "(全国年节及纪念日放假办法); load the State Council's arrangement with "
        "'onething calendar load FILE'\n"
    )


def test_add_warns_once_for_each_provisional_year() -> None:
    result = run("add", "2027-06-01", "300")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.stderr.splitlines()] == ["2027", "2028"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2026-02-30", "1"), "error: '2026-02-30' is not a date"),
        (("20 Nov 2026", "1"), "error: '20 Nov 2026' is not a date"),
        (("2026-11-20", "one"), "error: 'one' is not a whole number"),
        (("2026-11-20", "1.5"), "error: '1.5' is not a whole number"),
        (("2100-12-30", "10"), "error: 2101 is outside the calendar"),
    ],
)
def test_add_rejects_bad_input_in_one_line(args: tuple[str, ...], message: str) -> None:
    result = run("add", *args)
    assert_clean_failure(result, 2)
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_load_show_and_unload(tmp_path: Path, data_dir: Path) -> None:
    file = write(tmp_path / "arrangement.yaml", ARRANGEMENT_2027)

    loaded = run("load", str(file))
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout.startswith("loaded 2027 (国务院办公厅关于2027年部分节假日安排的通知)")
    assert "15 days off, 2 days on" in loaded.stdout
    stored = data_dir / "calendar" / "2027.yaml"
    assert stored.read_text(encoding="utf-8") == ARRANGEMENT_2027
    assert [p.name for p in stored.parent.iterdir()] == ["2027.yaml"]  # no temporary left

    added = run("add", "2027-02-04", "1")
    assert added.stdout == "2027-02-12\n"
    assert added.stderr == ""  # 2027 is no longer provisional

    shown = run("show", "2027")
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("2027年 来源: official")
    assert "国务院办公厅关于2027年部分节假日安排的通知" in lines[0]
    assert "  2027-02-05 星期五 春节" in lines
    assert "  2027-10-07 星期四 国庆节" in lines
    assert "  2027-02-20 星期六 上班" in lines
    assert "provisional" not in shown.stdout

    again = run("load", str(file))
    assert again.stdout.startswith("replaced 2027")

    unloaded = run("unload", "2027")
    assert unloaded.exit_code == 0
    assert unloaded.stdout == "unloaded 2027: it now follows statutory\n"
    assert not stored.exists()
    # statutory again: February 5-8 春节, 9 and 10 its 补假 (初一, 初二 on the weekend)
    assert run("add", "2027-02-04", "1").stdout == "2027-02-11\n"


def test_show_a_provisional_year() -> None:
    result = run("show", "2027")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("2027年 来源: statutory")
    assert "provisional" in result.stdout.splitlines()[0]
    assert "  2027-06-09 星期三 端午节" in result.stdout
    assert "放假 19 天:" in result.stdout  # 13 festival days and 6 补假
    for line in (
        "  2027-02-09 星期二 春节（补假）",
        "  2027-02-10 星期三 春节（补假）",
        "  2027-05-03 星期一 劳动节（补假）",
        "  2027-05-04 星期二 劳动节（补假）",
        "  2027-10-04 星期一 国庆节（补假）",
        "  2027-10-05 星期二 国庆节（补假）",
    ):
        assert line in result.stdout.splitlines()
    assert "调休上班 0 天:" in result.stdout
    assert "warning: 2027 is provisional" in result.stderr


def test_show_a_year_of_chinese_calendar() -> None:
    result = run("show", "2026")
    assert result.exit_code == 0
    assert result.stdout.startswith("2026年 来源: chinese_calendar")
    assert "  2026-09-20 星期日 上班" in result.stdout
    assert result.stderr == ""


def test_load_lists_every_problem_and_keeps_nothing(tmp_path: Path, data_dir: Path) -> None:
    file = write(tmp_path / "bad.yaml", "year: 2027\noff: [2028-01-01]\non: [2027-02-15]\n")
    result = run("load", str(file))
    assert_clean_failure(result, 1)
    assert f"{file}: off[0]: 2028-01-01 is not in 2027" in result.stderr
    assert f"{file}: on[0]: 2027-02-15 is a Monday, not a weekend day" in result.stderr
    assert "was not loaded (2 problems)" in result.stderr
    assert not (data_dir / "calendar").exists()


@pytest.mark.parametrize("content", [b"year: [\n", b"\xff\xfe not utf-8", b"- a list\n"])
def test_load_rejects_files_that_are_not_arrangements(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "bad.yaml"
    file.write_bytes(content)
    assert_clean_failure(run("load", str(file)), 1)


def test_load_a_missing_file(tmp_path: Path) -> None:
    result = run("load", str(tmp_path / "missing.yaml"))
    assert_clean_failure(result, 1)
    assert result.stderr.startswith("error: cannot read")


def test_unload_a_year_that_is_not_loaded() -> None:
    result = run("unload", "2027")
    assert_clean_failure(result, 1)
    assert "no arrangement is loaded for 2027" in result.stderr


def test_a_broken_stored_file_is_reported_and_can_be_unloaded(data_dir: Path) -> None:
    (data_dir / "calendar").mkdir(parents=True)
    write(data_dir / "calendar" / "2027.yaml", "year: 2027\noff: nope\n")
    result = run("add", "2026-11-20", "1")
    assert_clean_failure(result, 1)
    assert "2027.yaml: off: expected a list of dates" in result.stderr
    assert "onething calendar unload YEAR" in result.stderr
    assert run("unload", "2027").exit_code == 0
    assert run("add", "2026-11-20", "1").stdout == "2026-11-23\n"


@pytest.mark.parametrize("command", ["show", "unload"])
def test_a_bad_year_is_a_usage_error(command: str) -> None:
    result = run(command, "next")
    assert_clean_failure(result, 2)
    assert result.stderr == "error: 'next' is not a year such as 2027\n"


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "add" in result.output
    assert "load" in result.output
