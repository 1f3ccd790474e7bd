"""跨省通办 between two real nodes: 吕梁市 (its own data directory, SQLite) and the demo
partner 榆林市 (its own data directory, PostgreSQL on a server the test starts; SQLite when
the machine has no PostgreSQL), each `onething serve`
on a loopback port. Between them a relay the test holds: the network, which it can cut,
delay, and listen to.

- the 异地代收代办 journey end to end, the certificate coming back and verifying, with the
  partner stopped and started again in the middle (and 吕梁 too): nothing lost, nothing
  applied twice, the partner's deadline as its own calendar counts it;
- kill -9 of the sender between its commit and the delivery: delivered once after restart;
- a tampered envelope, a replay, an unknown node, an expired key and a stale signature:
  refused with a Chinese reason and recorded; the journey still completes.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import signal
import threading
import time

import pytest

from tests.faults import POSTGRES, Site, free_port, wait_for

# Both databases are here in every run (吕梁 SQLite, 榆林 PostgreSQL on the tests' own
# server), so the PostgreSQL pass of `make test` would only repeat this module.
pytestmark = pytest.mark.skipif(
    POSTGRES, reason="the SQLite pass already runs one node on SQLite and one on PostgreSQL"
)

FAST = {"ONETHING_EXCHANGE_RETRY_BASE_S": "0.1", "ONETHING_EXCHANGE_LEASE_S": "2"}
ID_NUMBER = "142331198503151231"


class Relay:
    """The network from 吕梁 to 榆林: forwards each POST, keeps the envelopes it carried;
    `cut` answers 502 without reaching the partner, `hold` keeps the partner's answer
    back until released (the sender is killed meanwhile)."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.tokens, self.cut = target_port, [], False
        self.hold, self.answered, self.release = False, threading.Event(), threading.Event()
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                relay.tokens.append(body.decode())
                status, answer = relay.forward(self.path, body)
                if relay.hold:
                    relay.answered.set()
                    relay.release.wait(30)
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.cut:
            return 502, b'{"detail": "relay cut"}'
        try:
            return post(self.target_port, path, body)
        except OSError:
            return 502, b'{"detail": "partner down"}'


def post(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/jose"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Node:
    def __init__(self, site: Site) -> None:
        self.site, self.port, self.process = site, free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        args = ("serve", "--port", str(self.port), "--workers", "1", "--sweep-every", "0")
        self.process = self.site.start(*args, **FAST)

        def up() -> bool:
            assert self.process.poll() is None, self.site.log()
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                return connection.getresponse().status == 200
            return False

        wait_for(up, 60, f"node on port {self.port}", step=0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def cli(self, *args: str) -> str:
        result = self.site.onething(*args, **FAST)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def deliver(self) -> int:
        return int(self.cli("exchange", "deliver").split()[1])

    def py(self, code: str) -> str:
        return self.site.python(code, **FAST)


def _partner_site() -> tuple[Site, object]:
    """榆林's site on PostgreSQL (a server of the tests' own), or SQLite if none."""
    from tests.pgserver import PostgresError, start_postgres

    try:
        server = start_postgres()
    except PostgresError:
        return Site(), None
    return Site(postgres_url=server.url), server


@pytest.fixture(scope="module")
def nodes():
    home_site = Site()
    home_site.env.pop("ONETHING_DATABASE_URL", None)  # 吕梁 on SQLite
    partner_site, server = _partner_site()
    home, partner = Node(home_site), Node(partner_site)
    relay = Relay(partner.port)
    try:
        setups = [
            threading.Thread(target=home_site.setup),
            threading.Thread(target=partner_site.setup, kwargs={"demo": False}),
        ]
        for thread in setups:
            thread.start()
        for thread in setups:
            thread.join()
        partner.cli("exchange", "demo-partner", "--url", partner.url)
        home.cli("exchange", "init", "--code", "lvliang", "--name", "吕梁市政务服务平台",
                 "--regions", "141100", "--url", home.url)  # fmt: skip
        for node, other, url in ((home, partner, relay), (partner, home, None)):
            document = other.site.dir / "identity.json"
            other.cli("exchange", "identity", "--output", str(document))
            address = ("--url", f"http://127.0.0.1:{url.port}") if url else ()
            node.cli("exchange", "partner-add", str(document), *address)
        home.start()
        partner.start()
        yield home, partner, relay
    finally:
        for node in (home, partner):
            node.stop()
            node.site.remove()
        relay.server.shutdown()
        if server is not None:
            server.stop()


FORWARD = """
import io, random
from PIL import Image
from onething.accounts.models import User
from onething.exchange import journey
scan = io.BytesIO()  # the ID card's scan: 300 KB of noise, past joserfc's default limits
Image.frombytes("RGB", (320, 320), random.Random(1).randbytes(320 * 320 * 3)).save(scan, "PNG")
case = journey.forward(User.objects.get(username="clerk"), journey.Forwarding(
    partner="yulin", package_id="no_criminal_record", name="张三", id_number="{id}",
    phone="13935812345", form={{"certificate_purpose": "{purpose}"}},
    materials=(journey.Material("applicant_id", "身份证.png", scan.getvalue()),)))
print(case.ref)
"""

DECIDE = """
from onething.accounts.models import User
from onething.cases import services, window
from onething.cases.models import Case
from onething.exchange.models import RemoteCase
remote = RemoteCase.objects.get(ref="{ref}")
case = window.accept(User.objects.get(username="yl_clerk"), Case.objects.get(pk=remote.local_case_id).public_id)
reviewer = User.objects.get(username="yl_r_psb")
for task in case.tasks.all():
    services.claim(reviewer, task.pk)
    services.approve(reviewer, task.pk)
case.refresh_from_db()
print(case.number, case.due_date, case.state)
"""

SEEN = """
import json
from onething.cases.models import Evidence
from onething.exchange.models import InboundMessage, OutboundMessage, Refusal, RemoteCase
remote = RemoteCase.objects.filter(ref="{ref}").first()
print(json.dumps({{
    "number": remote and remote.partner_number, "state": remote and remote.partner_state,
    "due": remote and str(remote.partner_due), "certificate": remote and remote.certificate_status,
    "events": remote and [e.text for e in remote.events.all()],
    "local_case": remote and remote.local_case_id,
    "material": remote and remote.local_case_id and Evidence.objects.filter(
        case_id=remote.local_case_id, material_id="applicant_id").values_list("size", flat=True).first(),
    "applied": InboundMessage.objects.filter(case_ref="{ref}", state="applied").count(),
    "not_applied": InboundMessage.objects.filter(case_ref="{ref}").exclude(state="applied").count(),
    "unsent": OutboundMessage.objects.filter(case_ref="{ref}", delivered_at=None).count(),
    "refusals": sorted(Refusal.objects.values_list("code", flat=True)),
}}, ensure_ascii=False))
"""


def forward(home: Node, purpose: str = "入职") -> str:
    return home.py(FORWARD.format(id=ID_NUMBER, purpose=purpose)).strip()


def seen(node: Node, ref: str) -> dict:
    return json.loads(node.py(SEEN.format(ref=ref)))


def deliver_until(node: Node, count: int, what: str) -> None:
    """Deliver (the sweep's step) until `count` envelopes went, the back-off waited out."""
    delivered = [0]

    def done() -> bool:
        delivered[0] += node.deliver()
        return delivered[0] >= count

    wait_for(done, 30, what, step=0.2)


def test_the_remote_acceptance_journey_survives_both_nodes_stopping(nodes):
    home, partner, relay = nodes
    partner.stop()  # 榆林 is down when 吕梁's window forwards
    ref = forward(home)
    assert home.deliver() == 0
    assert seen(home, ref)["unsent"] == 1  # kept, with its error, for the next round
    partner.start()
    deliver_until(home, 1, "the application, once 榆林 is back")
    opened = seen(partner, ref)
    assert opened["local_case"] and opened["applied"] == 1
    assert opened["material"] > 200_000  # the scan, stored with 榆林's case

    number, due, state = partner.py(DECIDE.format(ref=ref)).split()
    assert state == "ready"
    home.stop()  # now 吕梁 is down while 榆林 reports back
    assert partner.deliver() == 0
    home.start()
    deliver_until(partner, 4, "榆林's reports, once 吕梁 is back")  # 收件, 受理, 证照, 办结

    here = seen(home, ref)
    assert (here["number"], here["due"], here["state"]) == (number, due, "办结，待送达")
    assert here["certificate"] == "valid"  # verified with 榆林's issuing keys
    assert here["applied"] == 4 and here["not_applied"] == 0
    assert any("签名验证有效" in line for line in here["events"])
    assert len(here["events"]) == len(set(here["events"]))  # nothing applied twice

    home.py(f"""
from onething.accounts.models import User
from onething.exchange import journey
journey.hand_over(User.objects.get(username="clerk"), "{ref}")
""")
    deliver_until(home, 1, "the handover notice")
    assert any("送达申请人" in line for line in seen(partner, ref)["events"])
    assert seen(partner, ref)["not_applied"] == 0


def test_a_sender_killed_between_commit_and_delivery_delivers_once_after_restart(nodes):
    home, partner, relay = nodes
    ref = forward(home, "出国")  # committed: the envelope is in the outbox
    relay.hold, relay.answered, relay.release = True, threading.Event(), threading.Event()
    sender = home.site.start("exchange", "deliver", output="deliver.log", **FAST)
    try:
        assert relay.answered.wait(30), home.site.log("deliver.log")
        os.kill(sender.pid, signal.SIGKILL)  # 榆林 applied it; 吕梁 never heard back
        sender.wait(timeout=10)
    finally:
        relay.hold = False
        relay.release.set()
    assert seen(home, ref)["unsent"] == 1
    assert seen(partner, ref)["applied"] == 1
    time.sleep(2.2)  # the killed sender's lease runs out
    deliver_until(home, 1, "the application again, after the lease")
    assert seen(home, ref)["unsent"] == 0
    there = seen(partner, ref)
    assert there["applied"] == 1 and there["local_case"]  # one case, applied once
    assert "replay" in there["refusals"]  # the second copy was refused, with a receipt


SIGNED = """
import base64, datetime, json
from django.utils import timezone
from onething.exchange import identity, outbox, rules
from onething.exchange.models import OutboundMessage
message = OutboundMessage.objects.get(case_ref="{ref}")
token = outbox.envelope_for(message)
_, payload = rules.peek(token)
old = dict(payload, sent=rules.iso(timezone.now() - datetime.timedelta(hours=2)))
stale = rules.sign(rules.envelope_of(old), identity.signing_key())
stranger = rules.generate_key("sig")
unknown = rules.sign(rules.envelope_of(dict(payload, **{{"from": "taiyuan"}})), stranger)
head, _, signature = token.split(".")
changed = json.dumps(dict(payload, body=dict(payload["body"], package="other"))).encode()
tampered = ".".join([head, base64.urlsafe_b64encode(changed).decode().rstrip("="), signature])
print(tampered, stale, unknown, rules.peek(token)[0]["kid"])
"""


def test_hostile_envelopes_are_refused_and_recorded_and_the_journey_completes(nodes):
    home, partner, relay = nodes
    ref = forward(home, "留学")
    tampered, stale, unknown, kid = home.py(SIGNED.format(ref=ref)).split()
    cases = [
        (tampered, 400, "篡改"),
        (stale, 400, "过时"),
        (unknown, 403, "未知的交换节点"),
        ("not-an-envelope", 400, "格式"),
    ]
    for token, status, words in cases:
        answer_status, answer = post(partner.port, "/exchange/inbox", token.encode())
        assert answer_status == status and words in json.loads(answer)["detail"], answer

    partner.cli("exchange", "partner-expire-key", "lvliang", kid)  # 吕梁's key ends now
    assert home.deliver() == 0
    expired = seen(partner, ref)
    assert "expired_key" in expired["refusals"] and expired["applied"] == 0
    document = home.site.dir / "identity.json"  # 吕梁's identity, its key valid again
    partner.cli("exchange", "partner-add", str(document))
    deliver_until(home, 1, "the genuine application")
    assert seen(partner, ref)["applied"] == 1

    replay_status, replay = post(partner.port, "/exchange/inbox", relay.tokens[-1].encode())
    assert replay_status == 409 and "重复" in json.loads(replay)["detail"]
    refused = seen(partner, ref)["refusals"]
    assert {"bad_signature", "stale", "unknown_sender", "malformed", "expired_key", "replay"} <= set(refused)  # fmt: skip
    status_line = json.loads(partner.cli("exchange", "status"))
    assert status_line["refusals"] == len(refused) and status_line["inbox"]["failed"] == 0


def test_the_partner_list_and_identity_on_the_command_line(nodes):
    home, partner, _relay = nodes
    listed = home.cli("exchange", "partner-list")
    assert "yulin" in listed and "610800" in listed and "active" in listed
    document = json.loads(partner.cli("exchange", "identity"))
    assert document["code"] == "yulin" and {k["use"] for k in document["keys"]} == {"sig", "enc"}
    assert all("d" not in k["jwk"] for k in document["keys"])
    assert [o["package"] for o in document["offered"]] == ["no_criminal_record", "household_move"]
    bad = home.site.onething("exchange", "partner-add", "/nonexistent.json")
    assert bad.returncode == 2 and "cannot read" in bad.stderr


def test_keys_rotate_on_the_command_line_without_stopping_exchange(nodes):
    home, partner, _relay = nodes
    old = [line.split()[0] for line in home.cli("exchange", "keys", "list").splitlines()]
    assert "new keys" in home.cli("exchange", "keys", "rotate")
    listed = home.cli("exchange", "keys", "list").splitlines()
    assert len(listed) == 4 and all("→" in line for line in listed)
    new_sig = next(line.split()[0] for line in listed if line.split()[0] not in old and " sig " in line)  # fmt: skip
    ref = forward(home, "转学")  # queued behind the announcement, signed with the old key
    deliver_until(home, 2, "the new keys, then the application")
    known = partner.py(
        "from onething.exchange.models import PartnerKey\n"
        "print(' '.join(PartnerKey.objects.filter(partner__code='lvliang').values_list('kid', flat=True)))"
    ).split()
    assert new_sig in known and set(old) <= set(known)  # the old ones verify till they end
    assert seen(partner, ref)["applied"] == 1
    again = forward(home, "考研")  # now signed with the new key
    deliver_until(home, 1, "an application signed with the new key")
    assert seen(partner, again)["applied"] == 1
    kid = home.py(
        "from onething.exchange.models import InboundMessage, Partner\n"
        "print(Partner.objects.get(code='yulin').knows_our_kid)"
    ).strip()
    assert kid == new_sig


# --------------------------------------------------------------------------- 多地联办

FILE_JOINT = """
import io, random
from PIL import Image
from onething.accounts.models import User
from onething.catalog.guide import build_guide, resolve_answers
from onething.catalog.services import current_catalog
from onething.cases import materials, services
from onething.intake.samples import sample_form
catalog = current_catalog().catalog
package = catalog.packages["household_move"]
form = sample_form(build_guide(catalog, package, resolve_answers(package, {{}})).fields)
form.update(applicant_name="张三", applicant_id_number="{id}", applicant_phone="13935812345")
zhangsan = User.objects.get(username="zhangsan")
case, _ = services.file_case(zhangsan, services.Filing("household_move", {{}}, "141102", form))
for number, evidence in enumerate(case.evidence.filter(origin="applicant")):
    scan = io.BytesIO()
    Image.frombytes("RGB", (64, 64), random.Random(number).randbytes(64 * 64 * 3)).save(scan, "PNG")
    materials.upload_evidence(zhangsan, case.public_id, evidence.pk, f"{{number}}.png", scan.getvalue())
services.accept(User.objects.get(username="clerk_lishi"), case.public_id)
from onething.exchange.models import RemoteCase
print(case.public_id, RemoteCase.objects.get(local_case_id=case.pk).ref)
"""

JOINT_HERE = """
import json
from onething.accounts.models import User
from onething.cases import services
from onething.cases.models import Action, Case
case = Case.objects.get(public_id="{case}")
tasks = {{t.item_id: t for t in case.tasks.all()}}
moved_out = Action.objects.filter(task_id=tasks["household_move_out"].pk, action="partner_approve").first()
state = {{"out": tasks["household_move_out"].state, "in": tasks["household_move_in"].state,
         "held": tasks["household_move_out"].held_for,
         "record": moved_out.data if moved_out else None, "case": case.state}}
if {work} and state["in"] == "workable":
    reviewer = User.objects.get(username="r_psb_lishi")
    services.claim(reviewer, tasks["household_move_in"].pk)
    services.approve(reviewer, tasks["household_move_in"].pk, note="准予迁入")
    clerk = User.objects.get(username="clerk_lishi")
    from onething.cases import materials
    materials.check_all(clerk, case.public_id)
    services.hand_over(clerk, case.public_id)
    case.refresh_from_db()
    state["case"] = case.state
print(json.dumps(state, ensure_ascii=False))
"""


def test_a_joint_package_is_accepted_once_here_decided_there_and_handed_over_once(nodes):
    """户口迁移: filed and accepted once at 吕梁 (离石区); 迁出 goes to 榆林 in the acceptance's
    transaction and is held at 吕梁; 榆林 accepts and approves it with its own calendar;
    its certificate comes back and verifies; 迁出 is recorded approved at 吕梁 and 迁入
    released; 吕梁 approves 迁入 and hands everything over once; 榆林 is told."""
    home, partner, _relay = nodes
    case, ref = home.py(FILE_JOINT.format(id=ID_NUMBER)).split()
    held = json.loads(home.py(JOINT_HERE.format(case=case, work=False)))
    assert held["out"] == "waiting" and "榆林市政务服务平台" in held["held"]
    assert held["in"] == "waiting" and held["case"] == "in_progress"
    deliver_until(home, 1, "the partner's part of the accepted case")
    opened = seen(partner, ref)
    assert opened["local_case"] and opened["applied"] == 1 and opened["material"]

    number, due, state = partner.py(DECIDE.format(ref=ref)).split()
    assert state == "ready"  # 榆林's part decided there, by its reviewer
    deliver_until(partner, 4, "榆林's reports")  # 收件, 受理, 证照, 办结
    here = seen(home, ref)
    assert (here["number"], here["due"], here["certificate"]) == (number, due, "valid")

    done = json.loads(home.py(JOINT_HERE.format(case=case, work=True)))
    assert done["out"] == "approved" and done["record"]["partner_number"] == number
    assert done["record"]["certificate"]["number"]  # the verified certificate, recorded
    assert done["case"] == "completed"  # 迁入 released, approved, one handover
    deliver_until(home, 1, "the handover notice")
    there = seen(partner, ref)
    assert any("送达申请人" in line for line in there["events"]) and there["not_applied"] == 0
    completed = partner.py(
        "from onething.cases.models import Case\n"
        f"print(Case.objects.get(pk={there['local_case']}).state)"
    ).strip()
    assert completed == "completed"  # 榆林's case ends with the one handover here
