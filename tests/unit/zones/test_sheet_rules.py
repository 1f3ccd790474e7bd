"""专区办's spreadsheet rules without a database: headers mapped and refused by name,
cells read as the form's text (dates and digit-losing numbers refused), the row limit,
duplicates, a row's form, and the reader's refusals (type, zip bomb, merged cells,
formulas)."""

import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given, strategies as st
from openpyxl import Workbook

from onething.zones import reading, rules
from onething.zones.rules import SheetRefused, SheetRow
from onething.zones.sample import HEADERS, id_number, sample_csv, sample_table, sample_xlsx


def test_headers_are_mapped_whatever_the_spaces_and_brackets():
    found = rules.map_headers(
        [
            " 企业名称",
            "办理事项",
            "法定代表人",
            "法定代表人 身份证号",
            "联系电话",
            "摊位／地址",
            "经营范围",
            "经营面积(平方米)",
            None,
        ]
    )
    assert found["法定代表人身份证号"] == 3 and found["经营面积（平方米）"] == 7
    assert found["摊位/地址"] == 5


def test_wrong_headers_are_named():
    with pytest.raises(SheetRefused) as refused:
        rules.map_headers(["企业名称", "企业名称", "手机", *list(rules.REQUIRED)[1:5]])
    message = str(refused.value)
    assert "缺少列：摊位/地址、经营范围" in message
    assert "无法识别的列：手机" in message and "重复的列：企业名称" in message


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_whole_numbers_read_without_a_decimal_point(number):
    assert rules.cell_text(number, "从业人员数", 2) == str(number)
    assert rules.cell_text(float(number), "从业人员数", 2) == str(number)


def test_cells_as_text():
    assert rules.cell_text(12.5, "经营面积（平方米）", 2) == "12.5"
    assert rules.cell_text("  A区1号 ", "摊位/地址", 2) == "A区1号"
    assert rules.cell_text(None, "经营范围", 2) == ""


@pytest.mark.parametrize("value", [date(2026, 1, 1), datetime(2026, 1, 1, 8, 0)])
def test_a_date_is_refused_by_row_and_column(value):
    with pytest.raises(rules.CellRefused, match="第 7 行「经营范围」：是日期或时间格式"):
        rules.cell_text(value, "经营范围", 7)


@given(st.integers(min_value=10**10, max_value=10**18))
def test_a_number_in_an_id_or_phone_column_is_refused(number):
    for column in ("法定代表人身份证号", "联系电话"):
        with pytest.raises(rules.CellRefused, match="是数字格式"):
            rules.cell_text(number, column, 3)


def test_the_row_limit():
    rules.check_count(rules.MOST_ROWS - 1)
    with pytest.raises(SheetRefused, match="一次最多导入 9999 个企业，本表有 10000 行"):
        rules.check_count(rules.MOST_ROWS)
    with pytest.raises(SheetRefused, match="没有企业"):
        rules.check_count(0)


def test_empty_lines_are_skipped_and_rows_keep_their_numbers():
    table = sample_table(3)
    table.insert(2, [""] * len(HEADERS))
    rows = rules.rows_of(table)
    assert [row.number for row in rows] == [2, 4, 5]


def test_a_business_in_two_rows():
    rows = [
        SheetRow(2, {"企业名称": "荫营 王记（粮油）"}),
        SheetRow(9, {"企业名称": "荫营王记(粮油)"}),
    ]
    assert [p.text() for p in rules.duplicates(rows)] == [
        "第 9 行「企业名称」：与第 2 行是同一企业"
    ]


def test_a_row_becomes_its_form_the_booth_within_the_zone():
    row = rules.rows_of(sample_table(1))[0]
    form = rules.form_of(row, "山西省阳泉市郊区荫营镇农贸市场")
    assert form["business_address"] == "山西省阳泉市郊区荫营镇农贸市场A区1号摊位"
    assert form["legal_rep_id_number"] == form["applicant_id_number"] == id_number(0)
    assert form["applicant_name"] == form["legal_rep_name"]
    assert rules.kind_of("食品小经营店备案(小餐饮)").answers["shop_type"] == "小餐饮"
    assert rules.column_of("applicant_id_number", "身份证号") == "法定代表人身份证号"
    assert rules.column_of("opening_date", "开业日期") == "开业日期"


def test_the_reader_takes_xlsx_and_csv_alike():
    from_csv = rules.rows_of(reading.read_table(sample_csv(5)))
    assert from_csv == rules.rows_of(reading.read_table(sample_xlsx(5)))
    gbk = "\n".join(",".join(line) for line in sample_table(2)).encode("gb18030")
    assert len(rules.rows_of(reading.read_table(gbk))) == 2


def test_a_zip_bomb_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"0" * (20 * 1024 * 1024))
    with pytest.raises(SheetRefused, match="压缩炸弹"):
        reading.read_table(out.getvalue())


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xd0\xcf\x11\xe0legacy", b"\x00\xff" * 10]
)
def test_other_files_are_refused(data):
    with pytest.raises(SheetRefused, match="文件类型不支持"):
        reading.read_table(data)


def _book(change) -> bytes:
    book = Workbook()
    for line in sample_table(2):
        book.active.append(line)
    change(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_merged_cells_and_formulas_are_refused_by_place():
    with pytest.raises(SheetRefused, match="第 2 行「办理事项」：合并单元格 B2:B3"):
        reading.read_table(_book(lambda s: s.merge_cells("B2:B3")))
    with pytest.raises(SheetRefused, match="第 3 行「经营面积（平方米）」：是公式"):
        reading.read_table(_book(lambda s: s.__setitem__("I3", "=SUM(1,2)")))


def test_too_many_rows_are_refused_from_the_sheet_size():
    book = Workbook()
    book.active.append(HEADERS)
    book.active.cell(row=rules.MOST_ROWS + 5, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SheetRefused, match="一次最多导入"):
        reading.read_table(out.getvalue())


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13935812345", True),
        ("139-3581-2345", True),
        ("+8613935812345", True),
        ("0353-5012345", False),
        ("12345", False),
        ("", False),
    ],
)
def test_mobile_numbers(phone, mobile):
    assert rules.is_mobile(phone) is mobile
