"""预审 rules: missing materials, one person one ID, dates in order."""

from datetime import date

from onething.intake.precheck import MaterialState, precheck

TODAY = date(2026, 11, 23)
LABELS = {
    "father_name": "父亲姓名",
    "father_id_number": "父亲身份证号",
    "mother_name": "母亲姓名",
    "mother_id_number": "母亲身份证号",
    "applicant_id_number": "身份证号",
    "baby_birth_date": "出生日期",
    "planned_start_date": "计划开工日期",
    "deceased_id_number": "逝者身份证号",
    "deceased_name": "逝者姓名",
    "deceased_death_date": "死亡日期",
}


def texts(findings):
    return [f.text for f in findings]


def test_a_clean_application_has_nothing_to_fix():
    values = {"father_name": "王强", "father_id_number": "142331196207082041"}
    materials = [MaterialState("营业执照", True, True)]
    assert precheck(values, LABELS, materials, TODAY) == []


def test_missing_materials_and_a_revoked_certificate_are_named():
    materials = [
        MaterialState("经营场所使用证明", True, False),
        MaterialState("从业人员健康证明", False, False),  # optional: not asked for
        MaterialState("营业执照", True, True, certificate_problem="已撤销"),
    ]
    assert texts(precheck({}, LABELS, materials, TODAY)) == [
        "缺少材料“经营场所使用证明”：请上传电子件，或到窗口出示原件",
        "“营业执照”引用的电子证照已撤销，请上传电子件或到窗口出示原件",
    ]


def test_the_same_person_must_have_the_same_id_everywhere():
    values = {
        "father_name": "王强",
        "father_id_number": "142331196207082041",
        "mother_name": "王强",  # typed twice by mistake, with another number
        "mother_id_number": "142324198803150027",
    }
    assert texts(precheck(values, LABELS, [], TODAY)) == [
        "同一姓名的身份证号码前后不一致：父亲身份证号与母亲身份证号"
    ]


def test_the_applicants_id_is_the_accounts():
    values = {"applicant_id_number": "142324198803150027"}
    found = precheck(values, LABELS, [], TODAY, account_id_number="142331196207082041")
    assert texts(found) == ["身份证号与您账户实名认证的身份证号码不一致"]


def test_dates_in_order():
    values = {
        "baby_birth_date": "2026-12-01",
        "planned_start_date": "2026-01-01",
        "deceased_name": "李四",
        "deceased_id_number": "142331196207082041",
        "deceased_death_date": "1960-01-01",
    }
    found = precheck(values, LABELS, [], TODAY)
    assert texts(found) == [
        "出生日期（2026-12-01）不能晚于今天",
        "计划开工日期（2026-01-01）已经过去，请核对",
        "死亡日期早于逝者身份证号中的出生日期",
    ]
    assert [f.blocking for f in found] == [True, False, True]
