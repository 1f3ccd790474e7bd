"""Reading the clerk's spreadsheet into a table of cell values, refusing what cannot be
read faithfully (rules.SheetRefused, with a message):

- a file that is neither an .xlsx workbook nor a UTF-8 / GBK .csv (judged by content);
- an .xlsx whose parts would unpack to more than 50 MB, or more than 500 times their
  packed size (a zip bomb): checked from the zip's directory before openpyxl reads it;
- merged cells (their value sits in one cell only, the others read empty);
- formulas: refused, not read through their cached value (a workbook written by a
  program has none, and one edited since may hold a stale one): "请粘贴为数值";
- too many rows (rules.MOST_ROWS), checked from the sheet's dimensions first.

Dates and numbers that lost digits are refused cell by cell by rules.rows_of.
"""

from __future__ import annotations

import csv
import io
import zipfile

from onething.zones.rules import (
    MOST_FILE_BYTES,
    MOST_PACKING_RATIO,
    MOST_ROWS,
    MOST_UNPACKED_BYTES,
    Problem,
    SheetRefused,
    header_key,
    listed,
)

WRONG_TYPE = "文件类型不支持：请上传 Excel 工作簿（.xlsx）或 CSV 文件（.csv，UTF-8 或 GBK 编码）"


def read_table(data: bytes) -> list[list[object]]:
    """The first sheet's rows of cell values (an .xlsx) or of texts (a .csv)."""
    if not data:
        raise SheetRefused("文件是空的")
    if len(data) > MOST_FILE_BYTES:
        raise SheetRefused("文件太大：表格不超过 10 MB")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_table(data)
    if data.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise SheetRefused(WRONG_TYPE)  # an old .xls, a PDF, an image
    return _csv_table(data)


def _csv_table(data: bytes) -> list[list[object]]:
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise SheetRefused(WRONG_TYPE)
    lines = text.splitlines()
    if len(lines) > MOST_ROWS + 1:
        _too_many(len(lines) - 1)
    try:
        table: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise SheetRefused("CSV 文件格式不正确：请用 Excel 或 WPS 另存为 CSV（逗号分隔）") from None
    if not table or len(table[0]) < 2:
        raise SheetRefused(WRONG_TYPE)
    return table


def _too_many(count: int) -> None:
    raise SheetRefused(
        f"一次最多导入 {MOST_ROWS - 1} 个企业，本表有 {count} 行：请分成几个表格导入"
    )


def check_packing(data: bytes) -> None:
    """Refuse a zip whose parts unpack too large, from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetRefused("Excel 文件已损坏，无法读取：请重新保存后上传") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SheetRefused(WRONG_TYPE)
    total = 0
    for info in infos:
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > MOST_UNPACKED_BYTES or info.file_size / packed > MOST_PACKING_RATIO:
            raise SheetRefused("文件解压后异常巨大（疑似压缩炸弹），已拒绝读取")
    if total > MOST_UNPACKED_BYTES:
        raise SheetRefused("文件解压后异常巨大（疑似压缩炸弹），已拒绝读取")


def _xlsx_table(data: bytes) -> list[list[object]]:
    check_packing(data)
    from openpyxl import load_workbook  # after the packing check, never before

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise SheetRefused("Excel 文件已损坏或不是 .xlsx 工作簿：请重新保存后上传") from None
    try:
        sheet = workbook.worksheets[0]
        if sheet.max_row > MOST_ROWS + 1:  # the used range: formatted empty rows count too
            raise SheetRefused(
                f"一次最多导入 {MOST_ROWS - 1} 个企业，本表用到第 {sheet.max_row} 行：请分成几个"
                "表格导入（设置过格式的空行也算在内，可删除表格末尾多余的行）"
            )
        headers = [header_key(c.value) for c in next(sheet.iter_rows(max_row=1), ())]
        _refuse_merged(sheet, headers)
        table, formulas = [], []
        for line in sheet.iter_rows():
            values = []
            for cell in line:
                if cell.data_type == "f":
                    column = _header_at(headers, cell.column - 1)
                    formulas.append(Problem(cell.row, column, "是公式，请复制后“粘贴为数值”"))
                values.append(cell.value)
            table.append(values)
    finally:
        workbook.close()
    if formulas:
        raise SheetRefused(listed(formulas, "表格中有公式（不读取公式的缓存结果）："))
    return table


def _header_at(headers: list[str], index: int) -> str:
    return headers[index] if index < len(headers) and headers[index] else f"第 {index + 1} 列"


def _refuse_merged(sheet, headers: list[str]) -> None:
    merged = list(sheet.merged_cells.ranges)
    if not merged:
        return
    problems = [
        Problem(r.min_row, _header_at(headers, r.min_col - 1), f"合并单元格 {r.coord}")
        for r in merged
    ]
    raise SheetRefused(listed(problems, "表格中有合并单元格，请取消合并、每格填写后再上传："))
