"""跨省通办 多地联办 data for the tests: 户口迁移一件事（跨省迁入）, filed once by 张三 at
离石区 (迁出 implemented by the partner 榆林, 迁入 here), and accepted by the window."""

from __future__ import annotations

from onething.cases import materials, services
from onething.cases.models import Case
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.intake.samples import sample_form
from tests.factories import tiny_jpeg, user

ID_NUMBER = "142331198503151231"  # 张三's


def household_move_filed() -> Case:
    """户口迁移 filed once by 张三 at 离石区: one form, the ID card uploaded once."""
    catalog = current_catalog().catalog
    package = catalog.packages["household_move"]
    fields = build_guide(catalog, package, resolve_answers(package, {})).fields
    form = sample_form(fields) | {"applicant_name": "张三", "applicant_id_number": ID_NUMBER}
    filing = services.Filing("household_move", {}, "141102", form)
    case, _ = services.file_case(user("zhangsan"), filing)
    card = case.evidence.get(material_id="applicant_id")
    materials.upload_evidence(user("zhangsan"), case.public_id, card.pk, "身份证.jpg", tiny_jpeg())
    case.refresh_from_db()
    return case


def household_move_accepted() -> Case:
    """… and accepted by 离石区's window: 迁出 forwarded to the partner and held here."""
    case = household_move_filed()
    services.accept(user("clerk_lishi"), case.public_id)
    case.refresh_from_db()
    return case
