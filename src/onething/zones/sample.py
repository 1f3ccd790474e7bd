"""A sample spreadsheet of new businesses for a zone (the demo, tests and the benchmark):
`count` rows, `bad` of them spread through it made wrong in one of
five ways each (an ID number's check digit, a phone, an unknown 办理事项, a missing
经营面积, 从业人员数 in words), so that each problem is reported by row and column."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from onething.intake.validation import id_check_digit

HEADERS = [
    "企业名称",
    "办理事项",
    "法定代表人",
    "法定代表人身份证号",
    "联系电话",
    "摊位/地址",
    "经营范围",
    "从业人员数",
    "经营面积（平方米）",
    "食品经营项目",
    "电子邮箱",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GOODS = ["蔬菜", "水果", "粮油", "干货", "熟食", "豆制品", "调味品", "茶叶", "糕点", "副食"]
BAD_WAYS = 5


def id_number(index: int, region: str = "140311") -> str:
    born = date(1970, 1, 1) + timedelta(days=(index * 37) % 12000)
    first17 = f"{region}{born:%Y%m%d}{index % 1000:03d}"
    return first17 + id_check_digit(first17)


def sample_row(index: int) -> dict[str, str]:
    goods = GOODS[index % len(GOODS)]
    surname = SURNAMES[index % len(SURNAMES)]
    return {
        "企业名称": f"郊区荫营{surname}记{goods}店（{index + 1:05d}）",
        "办理事项": "食品小经营店备案",
        "法定代表人": surname + "春秋冬夏"[index % 4] + "明华强丽"[index % 4],
        "法定代表人身份证号": id_number(index),
        "联系电话": f"139{index:08d}",
        "摊位/地址": f"{chr(65 + index % 6)}区{index + 1}号摊位",
        "经营范围": f"预包装食品、{goods}销售",
        "从业人员数": str(1 + index % 4),
        "经营面积（平方米）": str(8 + index % 30),
        "食品经营项目": f"预包装食品销售、{goods}",
        "电子邮箱": "",
    }


def spoil(row: dict[str, str], way: int) -> dict[str, str]:
    """One problem per bad row, a different column each way."""
    spoilt = dict(row)
    if way == 0:
        last = spoilt["法定代表人身份证号"][-1]
        spoilt["法定代表人身份证号"] = spoilt["法定代表人身份证号"][:-1] + (
            "0" if last != "0" else "1"
        )
    elif way == 1:
        spoilt["联系电话"] = "12345"
    elif way == 2:
        spoilt["办理事项"] = "我要开网店"
    elif way == 3:
        spoilt["经营面积（平方米）"] = ""
    else:
        spoilt["从业人员数"] = "三人"
    return spoilt


def bad_rows(count: int, bad: int) -> list[int]:
    """The indexes of the bad rows: spread through the sheet."""
    if bad <= 0:
        return []
    step = max(1, count // bad)
    return [min(count - 1, 3 + i * step) for i in range(bad)]


def sample_table(count: int, bad: int = 0) -> list[list[str]]:
    spoilt = {index: way % BAD_WAYS for way, index in enumerate(bad_rows(count, bad))}
    table = [list(HEADERS)]
    for index in range(count):
        row = sample_row(index)
        if index in spoilt:
            row = spoil(row, spoilt[index])
        table.append([row[h] for h in HEADERS])
    return table


def sample_csv(count: int, bad: int = 0) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(sample_table(count, bad))
    return out.getvalue().encode("utf-8-sig")


def sample_xlsx(count: int, bad: int = 0) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "新开办企业"
    for line in sample_table(count, bad):
        sheet.append(line)
    for column in range(1, len(HEADERS) + 1):  # text: ID numbers and phones keep their digits
        for cell in next(sheet.iter_cols(min_col=column, max_col=column)):
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
