"""Personal data: encrypted in the database, masked on screens, full views audited."""

import pytest
from django.db import connection

from onething.accounts.models import User
from onething.privacy.crypto import lookup_digest
from onething.privacy.models import PersonalDataView
from onething.privacy.services import show_person

pytestmark = pytest.mark.django_db


def test_id_and_phone_are_encrypted_at_rest(demo):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM accounts_user WHERE username = 'zhangsan'")
        id_number, phone = cursor.fetchone()
    assert id_number.startswith("enc1:") and "142331" not in id_number
    assert phone.startswith("enc1:") and "1393581" not in phone
    user = User.objects.get(username="zhangsan")
    assert user.id_number == "142331198503151231"
    assert User.objects.get(id_number_digest=lookup_digest("142331198503151231")) == user


def test_full_view_only_for_staff_and_audited(demo):
    subject = User.objects.get(username="zhangsan")
    stranger = User.objects.get(username="yaofang")
    shown = show_person(stranger, subject, "查看", full=True)
    assert not shown.full and shown.id_number == "142331********1231" and shown.name == "张*"
    clerk = User.objects.get(username="clerk_lishi")
    shown = show_person(clerk, subject, "受理审核 办件 X", full=True)
    assert shown.full and shown.id_number == "142331198503151231"
    view = PersonalDataView.objects.get()
    assert (view.viewer, view.subject, view.purpose) == (clerk, subject, "受理审核 办件 X")
