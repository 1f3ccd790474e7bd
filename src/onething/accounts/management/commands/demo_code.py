"""`onething manage demo_code`: the current code of the demo's shared authenticator
secret, for trying the demo's staff accounts without an authenticator app. It knows the
demo's secret only: no other account's code can be read this way."""

import time

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from onething.accounts import twofactor


class Command(BaseCommand):
    help = "The current 6-digit code of the demo staff accounts' authenticator secret."
    requires_system_checks = []  # reads no database and no setting

    def handle(self, *args, **options):
        totp = TOTP(bytes.fromhex(twofactor.key_of(twofactor.DEMO_SECRET)))
        now = time.time()
        totp.time = now
        left = 30 - int(now) % 30
        code = f"{totp.token():06d}"
        self.stdout.write(f"{code}  (valid for {left} s more; demo staff accounts only)")
