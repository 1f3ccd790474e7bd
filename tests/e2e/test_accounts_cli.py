"""The demo's second factor on the command line: `onething setup` prints the demo staff's
authenticator secret and the three administrators, `onething manage demo_code` the code
an authenticator app shows for it now."""

import re

from django_otp.oath import totp

from onething.accounts import twofactor
from tests.faults import onething_cli

onething = onething_cli


def test_setup_prints_the_demo_secret_and_demo_code_its_current_code(tmp_path):
    setup = onething("setup", data_dir=tmp_path)
    assert setup.returncode == 0, setup.stderr
    assert "authenticator secret ONET HING DEMO SECR ETFO RSTA FFON LY22" in setup.stdout
    for line in ("security_admin     security_admin", "audit_admin        audit_admin"):
        assert line in setup.stdout
    key = bytes.fromhex(twofactor.key_of(twofactor.DEMO_SECRET))
    before = f"{totp(key):06d}"
    result = onething("manage", "demo_code", data_dir=tmp_path)
    after = f"{totp(key):06d}"
    assert result.returncode == 0, result.stderr
    code = re.match(r"(\d{6})  \(valid for \d+ s more; demo staff accounts only\)", result.stdout)
    assert code and code.group(1) in (before, after)
