"""专区办's spreadsheet rules, without Django: which headers name which form fields, how a
cell's value becomes text, the limits, and which two rows are the same business.

The sheet's first row names its columns. Seven are required (`REQUIRED`); the others
(`OPTIONAL`) carry fields only some packages ask for. A header is read without spaces
and full-width brackets are the same as half-width ones, so "法定代表人 身份证号" and
"经营面积(平方米)" are recognised; any other header is refused by name.

A row becomes the one form of its package (`form_of`): the legal person is also the
applicant (申请人), and the 摊位/地址 column is the booth within the zone (the zone's
address is put in front of it unless it already starts with it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

MOST_ROWS = 10_000  # business rows (the header row not counted); 10,000 or more are refused
MOST_FILE_BYTES = 10 * 1024 * 1024  # the spreadsheet as uploaded
MOST_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx's parts once uncompressed (zip bombs)
MOST_PACKING_RATIO = 500  # uncompressed / compressed, per part (plain XML packs ≈ 10–100×)
MOST_LISTED = 20  # problems named in one refusal's message

NAME, KIND, PERSON, ID_NUMBER = "企业名称", "办理事项", "法定代表人", "法定代表人身份证号"
PHONE, BOOTH, SCOPE = "联系电话", "摊位/地址", "经营范围"

# header -> the form fields it fills in
REQUIRED: dict[str, tuple[str, ...]] = {
    NAME: ("company_name",),
    KIND: (),
    PERSON: ("legal_rep_name", "applicant_name"),
    ID_NUMBER: ("legal_rep_id_number", "applicant_id_number"),
    PHONE: ("applicant_phone",),
    BOOTH: ("business_address",),
    SCOPE: ("business_scope",),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "企业类型": ("enterprise_type",),
    "注册资本（万元）": ("registered_capital",),
    "统一社会信用代码": ("uscc",),
    "从业人员数": ("employee_count",),
    "经营面积（平方米）": ("operating_area",),
    "食品经营项目": ("food_business_items",),
    "电子邮箱": ("applicant_email",),
}
COLUMNS = {**REQUIRED, **OPTIONAL}
TEXT_ONLY = (ID_NUMBER, PHONE, "统一社会信用代码")  # a number here has lost digits


@dataclass(frozen=True, slots=True)
class Kind:
    """A value of the 办理事项 column: the package it files and the answers it gives."""

    package_id: str
    answers: Mapping[str, object]


# The packages a zone files, by the name the clerk types (the demo catalogue's ids).
KINDS: dict[str, Kind] = {
    "我要开办企业": Kind(
        "start_business", {"needs_invoice": False, "wants_bank_appointment": False}
    ),
    "食品小经营店备案": Kind(
        "small_food_shop", {"shop_type": "食品小销售店", "has_business_licence": False}
    ),
    "食品小经营店备案（小餐饮）": Kind(
        "small_food_shop", {"shop_type": "小餐饮", "has_business_licence": False}
    ),
}


class SheetRefused(Exception):
    """The file as a whole is refused; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the header
    message: str

    def text(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


def listed(problems: Sequence[Problem], lead: str) -> str:
    """A refusal's message: the lead and the first problems, with how many more."""
    shown = "；".join(p.text() for p in problems[:MOST_LISTED])
    more = len(problems) - MOST_LISTED
    return f"{lead}{shown}" + (f"；另有 {more} 处" if more > 0 else "")


def header_key(text: object) -> str:
    """A header as compared: no spaces, full-width brackets and slash."""
    value = re.sub(r"\s+", "", str(text or ""))
    return value.replace("(", "（").replace(")", "）").replace("／", "/")


def map_headers(headers: Sequence[object]) -> dict[str, int]:
    """Each known header's column index; refuses naming the missing, unknown and
    repeated ones."""
    found: dict[str, int] = {}
    unknown, repeated = [], []
    for index, raw in enumerate(headers):
        key = header_key(raw)
        if not key:
            continue
        if key not in COLUMNS:
            unknown.append(key)
        elif key in found:
            repeated.append(key)
        else:
            found[key] = index
    missing = [h for h in REQUIRED if h not in found]
    parts = []
    if missing:
        parts.append("缺少列：" + "、".join(missing))
    if unknown:
        parts.append("无法识别的列：" + "、".join(unknown))
    if repeated:
        parts.append("重复的列：" + "、".join(repeated))
    if parts:
        allowed = "、".join(COLUMNS)
        raise SheetRefused(f"表头不正确（第 1 行）：{'；'.join(parts)}。可用的列：{allowed}")
    return found


def cell_text(value: object, column: str, row: int) -> str:
    """A cell's value as the form's text; a date, a time, or a number where digits must be
    kept as typed is a Problem (raised as SheetRefused by the reader's caller)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date, time)):
        raise CellRefused(Problem(row, column, "是日期或时间格式，请将该列设为文本后重新填写"))
    if isinstance(value, (int, float, Decimal)):
        if column in TEXT_ONLY:
            raise CellRefused(
                Problem(row, column, "是数字格式（长数字会丢失位数），请将该列设为文本后重新填写")
            )
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return str(number.to_integral_value())
        return format(number.normalize(), "f")
    return str(value).strip()


class CellRefused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.text())
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the spreadsheet's row number
    values: dict[str, str]  # header -> text


def rows_of(table: Sequence[Sequence[object]], first_row: int = 2) -> list[SheetRow]:
    """The business rows of a table whose first line is the header: wholly empty lines
    skipped; every cell refused (a date, a number that lost digits) named at once."""
    if not table:
        raise SheetRefused("表格是空的：第 1 行应为表头，从第 2 行起每行一个企业")
    columns = map_headers(table[0])
    rows, problems = [], []
    for offset, line in enumerate(table[1:]):
        number = first_row + offset
        values = {}
        for header, index in columns.items():
            raw = line[index] if index < len(line) else None
            try:
                values[header] = cell_text(raw, header, number)
            except CellRefused as refused:
                problems.append(refused.problem)
        if any(values.values()):
            rows.append(SheetRow(number, values))
    if problems:
        raise SheetRefused(listed(problems, "表格中有不能读取的单元格："))
    check_count(len(rows))
    return rows


def check_count(count: int) -> None:
    if count >= MOST_ROWS:
        raise SheetRefused(
            f"一次最多导入 {MOST_ROWS - 1} 个企业，本表有 {count} 行：请分成几个表格导入"
        )
    if count == 0:
        raise SheetRefused("表格中没有企业：第 1 行应为表头，从第 2 行起每行一个企业")


def business_key(row: SheetRow) -> str:
    """Two rows are the same business when their names are the same (spaces and
    brackets aside)."""
    return header_key(row.values.get(NAME, "")).lower()


def duplicates(rows: Sequence[SheetRow]) -> list[Problem]:
    seen: dict[str, int] = {}
    found = []
    for row in rows:
        key = business_key(row)
        if not key:
            continue
        if key in seen:
            found.append(Problem(row.number, NAME, f"与第 {seen[key]} 行是同一企业"))
        else:
            seen[key] = row.number
    return found


def check_duplicates(rows: Sequence[SheetRow]) -> None:
    if found := duplicates(rows):
        raise SheetRefused(listed(found, "同一企业出现在两行（请删去重复的行后重新上传）："))


def is_mobile(text: str | None) -> bool:
    """A mainland mobile number (the legal person's account is registered with it)."""
    digits = re.sub(r"[\s-]", "", text or "").removeprefix("+86")
    return bool(re.fullmatch(r"1[3-9]\d{9}", digits))


def kind_of(text: str) -> Kind | None:
    return KINDS.get(header_key(text))


def form_of(row: SheetRow, zone_address: str) -> dict[str, str]:
    """The one form a row fills in."""
    form: dict[str, str] = {}
    for header, field_ids in COLUMNS.items():
        value = row.values.get(header, "")
        for field_id in field_ids:
            if value:
                form[field_id] = value
    booth = row.values.get(BOOTH, "")
    if booth and zone_address and not booth.startswith(zone_address):
        form["business_address"] = f"{zone_address}{booth}"
    return form


def column_of(field_id: str, label: str) -> str:
    """The header a form field's problem is reported under (its label when no column
    carries it, e.g. a field the package asks for that the sheet lacks)."""
    for header, field_ids in COLUMNS.items():
        if field_id in field_ids:
            return header
    return label
