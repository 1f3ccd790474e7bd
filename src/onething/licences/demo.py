"""The demo's certificate library (电子证照库): certificates that other authorities issued
to the demo's 张三 and that stand in for materials (免提交) — his 健康证明 from 卫生健康 and
his 不动产权证书 from 不动产登记. With them, and his ID card read at the kiosk, his
食品小经营店备案 is decided without a person (秒批) and he prints the certificate there."""

from __future__ import annotations

from django.db import transaction

from onething.accounts.models import User
from onething.catalog.services import current_catalog
from onething.licences.models import Licence
from onething.licences.services import Issue, issue

COUNTY = "141102"  # 离石区
HELD = (  # (username, licence type, issuing department, data)
    ("zhangsan", "health_certificate", "health", {"applicant_name": "张三"}),
    (
        "zhangsan",
        "real_estate_certificate",
        "natural_resources",
        {"applicant_name": "张三", "business_address": "山西省吕梁市离石区永宁中路12号"},
    ),
)


def ensure_demo_library() -> int:
    """Issue the demo's held certificates that are missing; how many were issued."""
    current = current_catalog()
    if current is None:
        return 0
    catalog = current.catalog
    issued = 0
    with transaction.atomic():
        for username, type_id, department_id, data in HELD:
            holder = User.objects.filter(username=username).first()
            kind = catalog.licence_types.get(type_id)
            department = catalog.departments.get(department_id)
            if holder is None or kind is None or department is None:
                continue
            if Licence.objects.filter(holder_id=holder.pk, type_id=type_id).exists():
                continue
            request = Issue(
                licence_type=kind,
                holder=holder,
                department=department_id,
                department_name=department.name,
                jurisdiction=COUNTY,
                jurisdiction_name=catalog.place_name(COUNTY),
                data=dict(data),
            )
            issue(request)
            issued += 1
    return issued
