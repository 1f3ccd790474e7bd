"""`onething backup` and `onething restore` (issue 14, point 4): a backup taken while
`onething serve` runs and cases are being filed restores into another data directory
(and database) where every certificate verifies, every upload reads back and the site
serves; a damaged archive or a target that is not empty is refused; a restore without the
licence signing keys is refused at start-up with a message naming them."""

import gzip
import shutil
import signal
import tarfile
import threading

import pytest

from tests.faults import Site, free_port, site, wait_for

PREPARE = """
from onething.cases import materials
from onething.licences.models import Licence
from onething.cases.services import file_case
from tests.factories import decided_pharmacy, pharmacy_filing, user
decided_pharmacy()
case, _ = file_case(user("yaofang"), pharmacy_filing(), idempotency_key="with-upload")
material = case.evidence.filter(origin="applicant", trust="").first()
materials.upload_evidence(user("yaofang"), case.public_id, material.pk, "a.pdf", {pdf!r})
print(Licence.objects.count())
"""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

FILE_CASES = """
from onething.accounts.models import User
from onething.cases import services
from tests.factories import pharmacy_filing
for n in range(15):
    services.file_case(User.objects.get(username="yaofang"), pharmacy_filing(), idempotency_key=f"during-{n}")
"""

CHECK = """
from django.utils import timezone
from onething.cases import materials
from onething.cases.models import Case, Evidence
from onething.licences.models import Licence
from onething.licences.services import verify_stored
statuses = {str(verify_stored(licence, timezone.localdate()).status) for licence in Licence.objects.all()}
uploads = [materials.evidence_file(e) for e in Evidence.objects.exclude(file_path="")]
print(Licence.objects.count(), sorted(statuses), len(uploads), all(u == PDF for u in uploads))
print(Case.objects.exclude(form_text="").count())
"""


def serve_until_healthy(place, port):
    serving = place.start("serve", "--port", str(port), "--workers", "1", "--sweep-every", "1")
    import http.client

    def up():
        if serving.poll() is not None:
            return True
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False

    wait_for(up, 60, "/healthz")
    assert serving.poll() is None, place.log()
    return serving


def stop(serving):
    serving.send_signal(signal.SIGTERM)
    serving.wait(timeout=30)


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A site with six certificates and an upload, backed up while it serves and files."""
    archive = tmp_path_factory.mktemp("backup") / "onething-backup.tar.gz"
    with site() as place:
        certificates = int(place.python(PREPARE.format(pdf=PDF)).strip())
        serving = serve_until_healthy(place, free_port())
        try:
            writer = threading.Thread(target=place.python, args=(FILE_CASES,))
            writer.start()
            made = place.onething("backup", str(archive), timeout=300)
            writer.join(timeout=120)
        finally:
            stop(serving)
        assert made.returncode == 0, made.stdout + made.stderr
        yield archive, certificates


def restored_site(archive, *args):
    place = Site()
    done = place.onething("restore", str(archive), *args, timeout=300)
    return place, done


def test_a_backup_taken_while_serving_restores_whole_into_another_data_dir(backed_up):
    archive, certificates = backed_up
    place, done = restored_site(archive)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "checksums verified" in done.stdout
        licences, statuses, uploads, intact = (
            place.python(f"PDF = {PDF!r}\n" + CHECK).split("\n")[0].split(" ", 3)[0:4]
        )
        assert int(licences) == certificates and statuses == "['valid']"
        assert int(uploads) >= 1 and intact == "True"
        audit = place.onething("audit", "verify")
        if "No such command" not in audit.stderr:  # the audit chain, where it exists
            assert audit.returncode == 0, audit.stdout + audit.stderr
        stop(serve_until_healthy(place, free_port()))
    finally:
        place.remove()


def test_a_restore_without_the_licence_keys_is_refused_at_start_up(backed_up):
    place, done = restored_site(backed_up[0])
    try:
        assert done.returncode == 0, done.stderr
        shutil.rmtree(place.dir / "licence-keys")
        refused = place.onething("serve", "--port", str(free_port()), timeout=60)
        assert refused.returncode == 1
        assert "onething.E102" in refused.stderr and "签章密钥" in refused.stderr
        assert "licence-keys" in refused.stderr and "Traceback" not in refused.stderr
    finally:
        place.remove()


def test_a_damaged_archive_is_refused_and_nothing_restored(backed_up, tmp_path):
    data = bytearray(gzip.decompress(backed_up[0].read_bytes()))
    with tarfile.open(backed_up[0]) as tar:
        database = next(m for m in tar.getmembers() if m.name.startswith("database/"))
    data[database.offset_data + database.size // 2] ^= 0xFF  # one byte of the database
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(gzip.compress(bytes(data)))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(backed_up[0].read_bytes()[: backed_up[0].stat().st_size // 2])
    for archive in (damaged, truncated):
        place, done = restored_site(archive)
        try:
            assert done.returncode == 1 and "Traceback" not in done.stderr
            assert "已损坏" in done.stderr or "与清单不符" in done.stderr, done.stderr
            assert not list(place.dir.glob("keys")) and not list(place.dir.glob("*.sqlite3"))
        finally:
            place.remove()


def test_a_target_that_is_not_empty_needs_force(backed_up):
    place, done = restored_site(backed_up[0])
    try:
        assert done.returncode == 0
        again = place.onething("restore", str(backed_up[0]), timeout=300)
        assert again.returncode == 1 and "不是空的" in again.stderr and "--force" in again.stderr
        forced = place.onething("restore", str(backed_up[0]), "--force", timeout=300)
        assert forced.returncode == 0, forced.stderr
    finally:
        place.remove()


def test_a_restore_without_the_data_keys_is_refused_by_setup_and_serve(backed_up):
    place, done = restored_site(backed_up[0])
    try:
        assert done.returncode == 0, done.stderr
        (place.dir / "keys" / "data.keys").unlink()
        for command in (["setup", "--no-demo"], ["serve", "--port", str(free_port())]):
            refused = place.onething(*command, timeout=120)
            assert refused.returncode == 1, refused.stdout + refused.stderr
            assert "onething.E100" in refused.stderr and "ONETHING_DATA_KEYS" in refused.stderr
            assert "Traceback" not in refused.stderr and "internal error" not in refused.stderr
    finally:
        place.remove()
