"""跨省通办 benchmark (issue 18): two onething nodes on this machine, each its own data
directory and SQLite database, each `onething serve` (gunicorn, 2 workers) on a loopback
port — 吕梁市 (the demo) and the demo partner 榆林市 (`onething exchange demo-partner`).

1. Envelope rules alone (no Django): sign + verify a status envelope (Ed25519 JWS), and
   encrypt + decrypt 1 KB of personal data (X25519 JWE), per second.
2. One application with ~10 MB of materials moved from 吕梁 to 榆林: the clerk's 收件
   (the JWE written to the outbox in its transaction), then one delivery: signed, POSTed,
   checked, decrypted, filed as a case with its material stored, the signed receipt
   verified — wall time of each.
3. Envelopes per second between the nodes: N status envelopes of one case queued at 榆林
   and delivered by one sender (as the sweep does: one at a time, each on its receipt),
   each verified, stored, applied in order and acknowledged by 吕梁.

Run: python -m bench.exchange_bench [--envelopes 300] [--megabytes 9.5]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.exchange_bench", description=__doc__)
    parser.add_argument("--envelopes", type=int, default=300)
    parser.add_argument("--megabytes", type=float, default=9.5, help="the material's size")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    def __init__(self, name: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"ot-bench-{name}-", dir="/tmp"))
        self.port = free_port()
        self.env = {**os.environ, "ONETHING_DATA_DIR": str(self.dir), "HOME": str(self.dir)}
        for name_ in ("ONETHING_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "XDG_RUNTIME_DIR"):
            self.env.pop(name_, None)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "onething", *args], env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def python(self, code: str) -> str:
        prelude = "import django\ndjango.setup()\n"
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "onething.web.settings"}
        result = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def serve(self) -> None:
        command = [sys.executable, "-m", "onething", "serve", "--port", str(self.port)]
        with (self.dir / "serve.log").open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--workers", "2", "--sweep-every", "0"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"node on {self.port} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def rules_figures() -> None:
    from datetime import UTC, datetime

    from onething.exchange import rules

    sig, enc = rules.generate_key("sig"), rules.generate_key("enc")
    now = rules.iso(datetime.now(UTC))
    envelope = rules.Envelope(
        "m", "yulin", "lvliang", "status", now, "5f0c8f5e-3c1a-4f51-9a53-2f6f1d0c1a11", 1,
        {"state_label": "已受理，办理中", "number": "610802-20261206-000001"}, "", now,
    )  # fmt: skip
    public = rules.public_part(sig)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2:
        rules.verify(rules.sign(envelope, sig), public)
        count += 1
    print(f"sign + verify a status envelope (Ed25519 JWS): {count / 2:,.0f}/s")
    data = {"person": {"name": "张三", "id_number": "142331198503151231"}, "form": {"x": "y" * 900}}
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2:
        rules.decrypt(rules.encrypt(data, rules.public_part(enc)), {enc["kid"]: enc})
        count += 1
    print(f"encrypt + decrypt 1 KB of personal data (X25519 JWE): {count / 2:,.0f}/s")


def noise_png(megabytes: float) -> bytes:
    """A PNG of random pixels (incompressible): a material of about `megabytes` MB."""
    import io
    import random

    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pixels = random.Random(1).randbytes(side * side * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


FORWARD = """
import time
from pathlib import Path
from onething.accounts.models import User
from onething.exchange import journey
data = Path("{png}").read_bytes()
started = time.perf_counter()
case = journey.forward(User.objects.get(username="clerk"), journey.Forwarding(
    partner="yulin", package_id="no_criminal_record", name="张三",
    id_number="142331198503151231", phone="13935812345",
    form={{"certificate_purpose": "入职"}},
    materials=(journey.Material("applicant_id", "身份证.png", data),)))
print(case.ref, time.perf_counter() - started)
"""

DELIVER = """
import time
from onething.exchange.models import OutboundMessage
from onething.exchange.outbox import deliver
started, sent = time.perf_counter(), 0
while OutboundMessage.objects.filter(delivered_at=None).exists():
    sent += deliver(budget_s=600)
    last = OutboundMessage.objects.exclude(last_error="").values_list("last_error", flat=True)
    assert time.perf_counter() - started < 300, list(last[:3])
    time.sleep(0.05)
print(sent, time.perf_counter() - started)
"""

QUEUE = """
from django.db import transaction
from onething.cases.models import Case
from onething.exchange.handling import report
from onething.exchange.models import RemoteCase, InboundMessage
remote = RemoteCase.objects.get(ref="{ref}")
case = Case.objects.get(pk=remote.local_case_id)
print(case.evidence.filter(material_id="applicant_id").exclude(file_path="").count())
with transaction.atomic():
    for n in range({count}):
        report(case, remote, f"进度 {{n}}")
"""


def setup_nodes(home: Node, partner: Node) -> None:
    threads = [
        threading.Thread(target=home.cli, args=("setup",)),
        threading.Thread(target=partner.cli, args=("setup", "--no-demo")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    partner.cli("exchange", "demo-partner", "--url", partner.url)
    home.cli("exchange", "init", "--code", "lvliang", "--name", "吕梁市政务服务平台",
             "--regions", "141100", "--url", home.url)  # fmt: skip
    for node, other in ((home, partner), (partner, home)):
        document = other.dir / "identity.json"
        other.cli("exchange", "identity", "--output", str(document))
        node.cli("exchange", "partner-add", str(document))
    home.serve()
    partner.serve()


def main(argv=None) -> None:
    options = arguments(argv)
    print("跨省通办 exchange between two nodes on this machine (SQLite each, gunicorn 2 workers)")
    rules_figures()
    home, partner = Node("lvliang"), Node("yulin")
    try:
        setup_nodes(home, partner)
        png = home.dir / "material.png"
        png.write_bytes(noise_png(options.megabytes))
        size = png.stat().st_size / 1024 / 1024
        ref, forward_s = home.python(FORWARD.format(png=png)).split()
        sent, deliver_s = home.python(DELIVER).split()
        print(
            f"one application with a {size:.1f} MB material: 收件 and sealing "
            f"{float(forward_s):.2f} s; delivered (signed, sent, checked, decrypted, filed "
            f"with its material, receipt verified) in {float(deliver_s):.2f} s"
        )
        stored = partner.python(QUEUE.format(ref=ref, count=options.envelopes)).strip()
        print(f"榆林 filed the case with the material stored ({stored} of 1)")
        sent, deliver_s = partner.python(DELIVER).split()
        rate = int(sent) / float(deliver_s)
        print(
            f"{sent} status envelopes of one case, 榆林 → 吕梁, one sender: "
            f"{float(deliver_s):.1f} s, {rate:.0f} envelopes/s "
            f"({1000 / rate:.1f} ms each: sign, POST, verify, store, apply in order, receipt)"
        )
        applied = home.python(
            "from onething.exchange.models import InboundMessage\n"
            "print(InboundMessage.objects.filter(state='applied').count())"
        ).strip()
        print(f"吕梁 applied {applied} envelopes once each, in order")
    finally:
        home.stop()
        partner.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
