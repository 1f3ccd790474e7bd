"""A sample certificate (not a test module): 吕梁康民大药房's 药品经营许可证 as a payload to
sign, its issuer and its holder."""

from datetime import date
from typing import Any

from onething.licences.certificate import Holder, Issuer, certificate_payload
from onething.licences.identifiers import issuer_code_for, make_number

ISSUER = Issuer(
    name="吕梁市市场监督管理局",
    department="market_regulation",
    jurisdiction="141100",
    uscc=issuer_code_for("141100", "market_regulation"),
)
PHARMACY = Holder("enterprise", "吕梁康民大药房有限公司", "91141102MA0K3XY12B")


def payload(serial: int = 1, valid_until: date | None = date(2031, 1, 4)) -> dict[str, Any]:
    return certificate_payload(
        number=make_number("YPJYXKZ", ISSUER.uscc, serial),
        type_code="YPJYXKZ",
        type_name="药品经营许可证",
        holder=PHARMACY,
        issuer=ISSUER,
        issued_on=date(2026, 1, 5),
        valid_until=valid_until,
        data={"经营方式": "零售", "经营范围": ["中药饮片", "化学药制剂"], "质量负责人": "张三"},
    )
