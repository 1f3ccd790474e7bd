"""Uploads through Django's storage API (issue 14, points 5-6): a full or read-only store
refuses with "文件没有保存：…" (507) and keeps nothing — no file, no change to the
material, no record; an S3-compatible object store (moto's server, started here) keeps
each upload encrypted, by content, and gives it back."""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from onething.cases import materials, uploads
from onething.cases.models import Action, Evidence
from onething.cases.services import file_case
from onething.core.storage import StorageUnavailable, upload_storage_settings
from tests.factories import pharmacy_filing, user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
BIG_PDF = b"%PDF-1.4\n%" + b"x" * 200_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def material(demo):
    case, _ = file_case(user("yaofang"), pharmacy_filing())
    return case.evidence.filter(origin="applicant", trust="").first()


def _mount(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)])
    return done.returncode == 0


@contextlib.contextmanager
def store(options: str):
    """An upload store on its own file system: a tmpfs mounted with `options` (as root),
    or, for 'ro' without root, a folder without write permission."""
    folder = Path(tempfile.mkdtemp(prefix="ot-store-"))
    mounted = _mount(folder, options)
    if not mounted and options != "ro":
        shutil.rmtree(folder)
        pytest.skip("needs root to mount a small tmpfs")
    if not mounted:
        folder.chmod(0o500)
    try:
        with uploads_in(folder):
            yield folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        folder.chmod(0o700)
        shutil.rmtree(folder, ignore_errors=True)


def uploads_in(folder: Path):
    """The settings' upload store read again from the environment (a folder by default)."""
    return override_settings(
        STORAGES={**settings.STORAGES, "uploads": upload_storage_settings(folder)}
    )


def assert_nothing_kept(material, folder: Path):
    material.refresh_from_db()
    assert material.file_path == "" and material.trust == ""
    assert not Action.objects.filter(case=material.case, action="upload_evidence").exists()
    assert [path for path in folder.rglob("*") if path.is_file()] == []


def test_a_read_only_store_refuses_the_upload_and_keeps_nothing(material):
    with store("ro") as folder:
        with pytest.raises(StorageUnavailable) as refused:
            materials.upload_evidence(
                user("yaofang"), material.case.public_id, material.pk, "a.pdf", PDF
            )
        assert refused.value.status == 507
        assert refused.value.message.startswith("文件没有保存：文件存储当前为只读")
        assert_nothing_kept(material, folder)


def test_a_full_store_refuses_the_upload_and_keeps_nothing(material):
    with store("size=64k") as folder:
        with pytest.raises(StorageUnavailable) as refused:
            materials.upload_evidence(
                user("yaofang"), material.case.public_id, material.pk, "a.pdf", BIG_PDF
            )
        assert refused.value.message.startswith("文件没有保存：文件存储空间已满")
        assert_nothing_kept(material, folder)


def test_the_api_answers_507_with_the_reason(material, client):
    client.force_login(user("yaofang"))
    address = f"/api/v1/cases/{material.case.public_id}/materials/{material.pk}/file"
    with store("ro"):
        answer = client.post(address, {"file": _file("a.pdf", PDF)})
    assert answer.status_code == 507, answer.content
    assert answer.json()["detail"].startswith("文件没有保存：")


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture(scope="module")
def s3_server():
    moto = pytest.importorskip("moto.server")
    server = moto.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_uploads_go_to_an_s3_compatible_store_encrypted(material, s3_server, monkeypatch):
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="cn-north-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    s3.create_bucket(
        Bucket="onething", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"}
    )
    monkeypatch.setenv(
        "ONETHING_STORAGE_URL",
        f"s3://test:test@onething/site-a?endpoint_url={s3_server}&region=cn-north-1",
    )
    with uploads_in(Path("/nonexistent")):
        uploaded = materials.upload_evidence(
            user("yaofang"), material.case.public_id, material.pk, "a.pdf", PDF
        )
        assert materials.evidence_file(Evidence.objects.get(pk=uploaded.pk)) == PDF
        assert uploads.names() == [uploaded.file_path]
    stored = s3.get_object(Bucket="onething", Key=f"site-a/{uploaded.file_path}")["Body"].read()
    assert stored and PDF not in stored  # encrypted before it left the platform
