"""专区办 over HTTP: the zone clerk imports a spreadsheet, follows its progress fragment,
confirms and accepts the batch; each bad file is answered with its message on the zone's
page (400) and nothing is stored; who may open and do what."""

import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from onething.cases.models import Case
from onething.zones.demo import DEMO_ZONE
from onething.zones.models import BatchRow, ImportBatch, Zone
from onething.zones.sample import sample_csv, sample_table, sample_xlsx
from tests.factories import as_user, page_text, text_of

pytestmark = pytest.mark.django_db


def zone_url() -> str:
    return f"/zones/{Zone.objects.get(code=DEMO_ZONE).public_id}"


def upload(client, name: str, data: bytes):
    return client.post(f"{zone_url()}/imports", {"file": _named(name, data)} if data else {})


def _named(name: str, data: bytes):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def workbook(table, change=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in table:
        sheet.append(line)
    if change:
        change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    return out.getvalue()


def renamed_headers() -> bytes:
    table = sample_table(3)
    table[0] = [("手机" if h == "联系电话" else h) for h in table[0]]
    return workbook(table)


def merged(sheet) -> None:
    sheet.merge_cells("B2:B3")


def formula(sheet) -> None:
    sheet["H2"] = "=1+1"


def a_date(sheet) -> None:
    sheet["H3"] = date(2026, 12, 1)


def id_as_number(sheet) -> None:
    sheet["D2"] = 140311197001010011


BAD_FILES = [
    ("a.csv", lambda: sample_csv(10_000), "一次最多导入 9999 个企业，本表有 10000 行"),
    ("a.xlsx", renamed_headers, "缺少列：联系电话；无法识别的列：手机"),
    ("a.xlsx", lambda: workbook(sample_table(3), merged), "合并单元格"),
    ("a.xlsx", lambda: workbook(sample_table(3), formula), "第 2 行「从业人员数」：是公式"),
    (
        "a.xlsx",
        lambda: workbook(sample_table(3), a_date),
        "第 3 行「从业人员数」：是日期或时间格式",
    ),
    (
        "a.xlsx",
        lambda: workbook(sample_table(3), id_as_number),
        "「法定代表人身份证号」：是数字格式",
    ),
    ("a.xlsx", zip_bomb, "疑似压缩炸弹"),
    (
        "a.csv",
        lambda: sample_csv(3) + sample_csv(2).split(b"\n", 1)[1],
        "第 5 行「企业名称」：与第 2 行是同一企业",
    ),
    ("a.pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "文件类型不支持"),
    ("a.xlsx", lambda: b"\x00\x01\x02" * 100, "文件类型不支持"),
    ("a.csv", lambda: b"", "请先选择要上传的表格"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES)
def test_each_bad_file_is_answered_and_nothing_is_stored(client, demo, name, make, message):
    as_user(client, "clerk_jiaoqu")
    response = upload(client, name, make())
    assert response.status_code == 400
    assert message in text_of(response)
    assert ImportBatch.objects.count() == 0 and BatchRow.objects.count() == 0


def test_import_progress_confirm_and_accept(client, demo):
    as_user(client, "clerk_jiaoqu")
    response = upload(client, "荫营市场.xlsx", sample_xlsx(40, 2))
    assert response.status_code == 302
    batch_url = response["Location"]
    page = page_text(client.get(batch_url))
    assert "正在校验" in page and 'hx-trigger="every 1s"' in page and "已校验 0 / 40 行" in page
    for _ in range(100):
        response = client.get(f"{batch_url}/progress")
        if "every 1s" not in page_text(response):
            break
    fragment = re.sub(r"<[^>]+>", "", text_of(response))
    assert "通过 38 行，有问题 2 行" in fragment
    assert "第 5 行「法定代表人身份证号」：校验码不正确" in fragment
    assert "第 25 行「联系电话」" in fragment
    assert "140311" not in fragment  # no ID number on the page
    response = client.post(f"{batch_url}/confirm")
    assert response.status_code == 302 and Case.objects.count() == 38
    page = text_of(client.get(batch_url))
    assert "一次受理 38 件" in page
    client.post(f"{batch_url}/accept")
    assert not Case.objects.filter(state="submitted").exists()
    page = page_text(client.get(zone_url()))
    assert "已登记" in page and 'id="figure-registered">38<' in page


def test_row_by_row_only_the_ticked_businesses_are_filed(client, demo):
    as_user(client, "clerk_jiaoqu")
    batch_url = upload(client, "荫营市场.csv", sample_csv(5, 0))["Location"]
    for _ in range(100):
        if "every 1s" not in page_text(client.get(f"{batch_url}/progress")):
            break
    page = text_of(client.get(batch_url))
    assert "逐行确认" in page and 'name="row" value="6"' in page
    response = client.post(f"{batch_url}/confirm", {"scope": "chosen", "row": ["2", "4"]})
    assert response.status_code == 302 and Case.objects.count() == 2
    page = text_of(client.get(batch_url))
    assert "已为勾选的 2 个企业申报" in page and "确认申报 3 个企业" in page
    assert 'name="row" value="2"' not in page and 'name="row" value="3"' in page
    client.post(f"{batch_url}/confirm", {"scope": "chosen"})  # nothing ticked
    assert Case.objects.count() == 2
    assert "请至少选择一个企业" in text_of(client.get(batch_url))


def test_who_may_see_and_act(client, demo):
    as_user(client, "clerk_lishi")  # another jurisdiction
    assert client.get(zone_url()).status_code == 404
    as_user(client, "r_approval_jiaoqu")  # sees the zone, does not serve it
    page = page_text(client.get(zone_url()))
    assert "郊区荫营农贸市场" in page and "上传并校验" not in page
    assert upload(client, "a.csv", sample_csv(2)).status_code == 403
    as_user(client, "zhangsan")
    assert client.get("/zones/").status_code == 403
    assert ImportBatch.objects.count() == 0
