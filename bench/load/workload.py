"""The database side of a load run: the database to run on, the accounts and their tokens,
and the requests the driver sends (guide pages, searches, filings that the services accept),
written into the driver's plan. Runs in the orchestrating process, with Django set up."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.load.servers import REPO

PLACE = "141102"  # 离石区: the demo's county window, with a reviewer for every department
APPLICANTS_PER_KIND = 10
ANSWER_SETS = 4  # per package, for guides and filings
MISSES = ["护照办理", "我想考驾照", "公租房怎么申请"]  # searches that find nothing


def recreate_postgres(url: str, template: str | None = None) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process on this machine (to measure its CPU)."""
    import psycopg

    with psycopg.connect(url) as conn:
        folder = conn.execute("SHOW data_directory").fetchone()[0]
    try:
        return int(Path(folder, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def build_base(env: dict, history: int, log: Path) -> None:
    """A database as a deployment has it: migrated, the demo catalogue and accounts,
    `history` cases of a year's history (`onething demo --cases`), one sweep done."""
    steps = [["setup"], ["sweep"]]
    if history:
        steps.insert(1, ["demo", "--cases", str(history)])
    with open(log, "ab") as out:
        for step in steps:
            subprocess.run(
                [sys.executable, "-m", "onething", *step],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=WAL")


# --------------------------------------------------------------------------- the plan


def make_plan(seed: int) -> dict:
    """Accounts with tokens and the requests to send. Django must be set up."""
    from django.db import transaction

    from onething.accounts.models import ApiToken, User
    from onething.catalog.services import current_catalog
    from onething.web.setup import DEMO_PASSWORD

    rng = random.Random(seed)
    catalog = current_catalog().catalog
    with transaction.atomic():
        applicants = _applicants(DEMO_PASSWORD)
        reviewers = {}
        for user in User.objects.filter(role="reviewer").order_by("username"):
            reviewers.setdefault((user.department, user.jurisdiction), user)  # one list each
        clerk = User.objects.get(username="clerk_lishi")

        def token(user) -> str:
            return ApiToken.issue(user, "load")[1]

        plan = {
            "password": DEMO_PASSWORD,
            "applicants": [
                {"username": u.username, "kind": u.applicant_kind, "token": token(u)}
                for u in applicants
            ],
            "clerk": {"username": clerk.username, "token": token(clerk)},
            "reviewers": [{"username": u.username, "token": token(u)} for u in reviewers.values()],
        }
    plan["page_reviewers"] = rng.sample([r["username"] for r in plan["reviewers"]], 8)
    plan["second_factor"] = _authenticators(plan["page_reviewers"])
    answer_sets = {
        p.id: [_answers(p, rng) for _ in range(ANSWER_SETS)] for p in catalog.packages.values()
    }
    plan["guide_pages"] = [
        f"/guides/{package}?{urlencode(answers)}"
        for package, sets in answer_sets.items()
        for answers in sets
    ]
    plan["guide_api"] = [
        f"/api/v1/packages/{package}/guide?{urlencode(answers)}"
        for package, sets in answer_sets.items()
        for answers in sets
    ]
    phrases = list(MISSES)
    for package in catalog.packages.values():
        phrases.append(package.name)
        phrases += [f"我想{k}" for k in package.keywords[:2]] + [
            f"{k}怎么办" for k in package.keywords[2:4]
        ]
    plan["searches"] = [f"/?q={quote(phrase)}" for phrase in phrases]
    plan["filings"] = _filings(
        catalog, answer_sets, {u.applicant_kind: u for u in applicants}, set(reviewers)
    )
    return plan


def _authenticators(usernames: list[str]) -> dict[str, dict]:
    """The authenticator of each account that logs in through the pages and has one (staff
    must, issue 14: the demo's have the shared demo secret): its key and TOTP settings, for
    the driver to give the current code on /accounts/two-factor after the password."""
    from onething.accounts import twofactor
    from onething.accounts.models import User

    found = {}
    for user in User.objects.filter(username__in=usernames):
        device = twofactor.confirmed_device(user)
        if device is not None:
            found[user.username] = {
                "key": device.key,
                "step": device.step,
                "t0": device.t0,
                "digits": device.digits,
            }
    return found


def _applicants(password: str) -> list:
    """Applicant accounts for the load: enterprises and people of 离石区 (one password hash
    for all, so that creating them costs nothing)."""
    from django.contrib.auth.hashers import make_password

    from onething.accounts.models import User

    hashed = make_password(password)
    made = []
    for kind in ("enterprise", "person"):
        for n in range(1, APPLICANTS_PER_KIND + 1):
            user, _created = User.objects.get_or_create(
                username=f"load_{kind}_{n:02d}",
                defaults={
                    "role": "applicant",
                    "applicant_kind": kind,
                    "full_name": f"负载测试{'企业' if kind == 'enterprise' else '个人'}{n:02d}",
                    "jurisdiction": PLACE,
                    "password": hashed,
                },
            )
            made.append(user)
    return made


def _answers(package, rng: random.Random) -> dict[str, str]:
    return {
        q.id: rng.choice(["true", "false"]) if q.type == "boolean" else rng.choice(q.choices)
        for q in package.questions
        if q.type == "boolean" or q.choices
    }


def _filings(catalog, answer_sets: dict, owners: dict, reviewer_lists: set) -> dict[str, list]:
    """For each kind of applicant, filing bodies that the services file and accept, with
    every task on a reviewer's list: tried in a transaction that is rolled back."""
    from django.db import transaction

    from onething.accounts.models import User
    from onething.cases import services
    from onething.cases.models import Task
    from onething.catalog.guide import build_guide, resolve_answers
    from onething.intake.samples import sample_form

    clerk = User.objects.get(username="clerk_lishi")
    filings: dict[str, list] = {"enterprise": [], "person": []}
    for package in catalog.packages.values():
        kind = "person" if package.audience == "citizen" else "enterprise"
        for answers in answer_sets[package.id]:
            guide = build_guide(catalog, package, resolve_answers(package, answers))
            body = {
                "package_id": package.id,
                "answers": answers,
                "place": PLACE,
                "form": sample_form(guide.fields),
            }
            filing = services.Filing(package.id, answers, PLACE, body["form"])
            with transaction.atomic():
                try:
                    case, _ = services.file_case(owners[kind], filing)
                    services.accept(clerk, case.public_id)
                    lists = set(
                        Task.objects.filter(case=case).values_list("department", "jurisdiction")
                    )
                    usable = bool(lists) and lists <= reviewer_lists
                except services.CaseError:
                    usable = False
                transaction.set_rollback(True)
            if usable:
                filings[kind].append(body)
    return filings


def watermarks() -> dict[str, int]:
    """The newest ids before the run: what comes after is the run's."""
    from django.db.models import Max

    from onething.cases.models import Action, OutboxMessage

    return {
        "action": Action.objects.aggregate(n=Max("pk"))["n"] or 0,
        "outbox": OutboxMessage.objects.aggregate(n=Max("pk"))["n"] or 0,
    }
