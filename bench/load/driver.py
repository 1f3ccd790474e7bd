"""The load driver: a separate process that plays many users against the app over HTTP.

`python -m bench.load.driver PLAN.json RESULT.json` — the plan (written by `bench.load`)
names the address, the accounts with their tokens, the guide, search and filing requests
and the mix. Each client thread loops without pause: it picks a step by weight and sends
its requests on its own keep-alive connection (http.client). Imports no Django, so that
the driver costs what an HTTP client costs (but django-otp's TOTP, for the code staff give
at log-in, before the clock starts).

What it records: per request type the latencies (after the warm-up) and every unexpected
answer, and the work the server confirmed — cases filed (with their Idempotency-Key),
accepted, tasks claimed and approved — to be compared with the audit trail afterwards.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import re
import sys
import threading
import time
import uuid
from collections import defaultdict, deque
from urllib.parse import urlencode

# Steps and their weights: a hall-opening morning is mostly people reading guides and
# searching; applicants file, the window accepts, reviewers work their lists.
MIX = {
    "search": 16,
    "guide_page": 16,
    "guide_api": 8,
    "file": 7,  # one POST; one in ten is sent again with the same Idempotency-Key
    "accept": 7,
    "review": 8,  # the work list, then claim and approve its first task
    "case_api": 8,
    "case_page": 6,
    "my_cases": 4,
    "window_list": 3,
    "review_page": 4,
}
RETRY_SHARE = 0.1
MAX_ERRORS_KEPT = 20


class Unexpected(Exception):
    pass


class Shared:
    """What the client threads share: the queues of work and what was confirmed."""

    def __init__(self, plan: dict):
        self.lock = threading.Lock()
        self.to_accept: deque[str] = deque()
        self.cases_of: dict[str, list[str]] = defaultdict(list)  # applicant -> case ids
        self.reviewer_busy = {r["username"]: threading.Lock() for r in plan["reviewers"]}
        self.filed: dict[str, str] = {}  # case id -> Idempotency-Key
        self.retried: list[tuple[str, str]] = []  # (key, case id the retry got back)
        self.accepted: list[str] = []
        self.claimed: list[int] = []
        self.approved: list[int] = []
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_examples: list[str] = []
        self.measuring = False

    def note(self, label: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if not self.measuring:
                return
            self.counts[label] += 1
            self.samples[label].append(seconds)
            if error is not None:
                self.errors[label] += 1
                if len(self.error_examples) < MAX_ERRORS_KEPT:
                    self.error_examples.append(f"{label}: {error}")


class Client:
    """One user-agent thread with one keep-alive connection."""

    def __init__(self, plan: dict, shared: Shared, sessions: dict, seed: int):
        self.plan = plan
        self.shared = shared
        self.sessions = sessions
        self.rng = random.Random(seed)
        self.connection = http.client.HTTPConnection(plan["host"], plan["port"], timeout=60)
        self.steps = list(MIX)
        self.weights = [MIX[s] for s in self.steps]

    # ------------------------------------------------------------------ requests

    def request(
        self,
        label: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        body: dict | None = None,
        headers: dict | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, bytes]:
        sent = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if cookie:
            sent["Cookie"] = cookie
        start = time.perf_counter()
        try:
            self.connection.request(method, path, payload, sent)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.shared.note(label, time.perf_counter() - start, f"{type(exc).__name__} {exc}")
            raise Unexpected(label) from exc
        elapsed = time.perf_counter() - start
        if response.status not in expect:
            self.shared.note(label, elapsed, f"{response.status} {path} {data[:200]!r}")
            raise Unexpected(label)
        self.shared.note(label, elapsed, None)
        return response.status, data

    def api(self, label: str, method: str, path: str, token: str, **kwargs):
        _status, data = self.request(label, method, "/api/v1" + path, token=token, **kwargs)
        return json.loads(data)

    # ------------------------------------------------------------------ steps

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            step = self.rng.choices(self.steps, self.weights)[0]
            # An unexpected answer is counted where it came; go on as a user would.
            with contextlib.suppress(Unexpected):
                getattr(self, step)()

    def search(self) -> None:
        self.request("search", "GET", self.rng.choice(self.plan["searches"]))

    def guide_page(self) -> None:
        self.request("guide_page", "GET", self.rng.choice(self.plan["guide_pages"]))

    def guide_api(self) -> None:
        self.request("guide_api", "GET", self.rng.choice(self.plan["guide_api"]))

    def file(self) -> None:
        applicant = self.rng.choice(self.plan["applicants"])
        body = self.rng.choice(self.plan["filings"][applicant["kind"]])
        key = str(uuid.uuid4())
        headers = {"Idempotency-Key": key}
        case = self.api(
            "file", "POST", "/cases", applicant["token"], body=body, headers=headers, expect=(201,)
        )
        with self.shared.lock:
            self.shared.filed[case["id"]] = key
            self.shared.to_accept.append(case["id"])
            self.shared.cases_of[applicant["username"]].append(case["id"])
        if self.rng.random() < RETRY_SHARE:  # the answer was lost on the way: send it again
            again = self.api(
                "file_retry",
                "POST",
                "/cases",
                applicant["token"],
                body=body,
                headers=headers,
                expect=(200,),
            )
            with self.shared.lock:
                self.shared.retried.append((key, again["id"]))

    def accept(self) -> None:
        with self.shared.lock:
            case_id = self.shared.to_accept.popleft() if self.shared.to_accept else None
        if case_id is None:
            self.window_list()
            return
        self.api("accept", "POST", f"/cases/{case_id}/accept", self.plan["clerk"]["token"], body={})
        with self.shared.lock:
            self.shared.accepted.append(case_id)

    def window_list(self) -> None:
        query = urlencode({"state": "submitted", "order": "window_due", "limit": 20})
        self.api("window_list", "GET", f"/cases?{query}", self.plan["clerk"]["token"])

    def review(self) -> None:
        # One thread at a time acts for a reviewer, as one person works one list.
        reviewer, busy = None, None
        for candidate in self.rng.sample(self.plan["reviewers"], len(self.plan["reviewers"])):
            busy = self.shared.reviewer_busy[candidate["username"]]
            if busy.acquire(blocking=False):
                reviewer = candidate
                break
        if reviewer is None or busy is None:
            self.search()
            return
        try:
            token = reviewer["token"]
            tasks = self.api("worklist", "GET", "/tasks?state=workable&limit=10", token)
            if not tasks:
                return
            task = tasks[0]
            claimed = self.api(
                "claim",
                "POST",
                f"/tasks/{task['id']}/claim",
                token,
                body={"version": task["version"]},
            )
            with self.shared.lock:
                self.shared.claimed.append(task["id"])
            self.api(
                "approve",
                "POST",
                f"/tasks/{task['id']}/approve",
                token,
                body={"note": "同意", "version": claimed["version"]},
            )
            with self.shared.lock:
                self.shared.approved.append(task["id"])
        finally:
            busy.release()

    def _own_case(self) -> tuple[dict, str] | None:
        applicant = self.rng.choice(self.plan["applicants"])
        with self.shared.lock:
            cases = self.shared.cases_of.get(applicant["username"])
            case_id = self.rng.choice(cases[-50:]) if cases else None
        return (applicant, case_id) if case_id else None

    def case_api(self) -> None:
        found = self._own_case()
        if found is None:
            self.my_cases()
            return
        applicant, case_id = found
        self.api("case_api", "GET", f"/cases/{case_id}", applicant["token"])

    def case_page(self) -> None:
        found = self._own_case()
        if found is None:
            self.my_cases()
            return
        applicant, case_id = found
        self.request(
            "case_page", "GET", f"/cases/{case_id}", cookie=self.sessions[applicant["username"]]
        )

    def my_cases(self) -> None:
        applicant = self.rng.choice(self.plan["applicants"])
        self.api("my_cases", "GET", "/cases?limit=20", applicant["token"])

    def review_page(self) -> None:
        username = self.rng.choice(self.plan["page_reviewers"])
        self.request("review_page", "GET", "/review/?show=todo", cookie=self.sessions[username])


def log_in(plan: dict, username: str) -> str:
    """A browser's log-in through the form (CSRF cookie and token, Origin header); returns
    the Cookie header of the session."""
    connection = http.client.HTTPConnection(plan["host"], plan["port"], timeout=60)
    connection.request("GET", "/accounts/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None:
        raise RuntimeError(f"log-in page: {response.status}")
    form = urlencode(
        {"username": username, "password": plan["password"], "csrfmiddlewaretoken": token[1]}
    )
    origin = f"http://{plan['host']}:{plan['port']}"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Origin": origin,
        "Referer": origin + "/accounts/login",
    }
    connection.request("POST", "/accounts/login", form, headers)
    response = connection.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"log-in of {username}: {response.status}")
    where = response.getheader("Location", "")
    if where.startswith("/accounts/two-factor"):
        _second_factor(connection, where, cookies, plan["second_factor"][username], origin)
    connection.close()
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _second_factor(
    connection: http.client.HTTPConnection,
    page: str,
    cookies: dict[str, str],
    device: dict,
    origin: str,
) -> None:
    """Staff's second step (issue 14): the current code of their authenticator on the page
    the log-in led to, as a person types it; the session's cookie is new after it."""
    from django_otp.oath import totp  # the log-ins come before the clock starts

    def cookie() -> str:
        return "; ".join(f"{k}={v}" for k, v in cookies.items())

    connection.request("GET", page, headers={"Cookie": cookie()})
    response = connection.getresponse()
    text = response.read().decode()
    cookies.update(_cookies(response))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if response.status != 200 or token is None:
        raise RuntimeError(f"second-factor page: {response.status}")
    code = totp(
        bytes.fromhex(device["key"]), step=device["step"], t0=device["t0"], digits=device["digits"]
    )
    form = urlencode({"code": f"{code:0{device['digits']}d}", "csrfmiddlewaretoken": token[1]})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie(),
        "Origin": origin,
        "Referer": origin + page,
    }
    connection.request("POST", page, form, headers)
    response = connection.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302:
        raise RuntimeError(f"second factor: {response.status}")


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def drive(plan: dict) -> dict:
    users = {a["username"] for a in plan["applicants"]} | set(plan["page_reviewers"])
    sessions = {username: log_in(plan, username) for username in sorted(users)}
    shared = Shared(plan)
    clients = [Client(plan, shared, sessions, plan["seed"] + n) for n in range(plan["clients"])]
    warm_until = time.monotonic() + plan["warmup"]
    deadline = warm_until + plan["duration"]
    threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, warm_until - time.monotonic()))
    with shared.lock:
        shared.measuring = True
    print("measuring", flush=True)
    measured_from = time.perf_counter()
    cpu_from = time.process_time()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - measured_from
    with shared.lock:
        shared.measuring = False
    return {
        "seconds": seconds,
        "driver_cpu": time.process_time() - cpu_from,
        "types": {
            label: {
                "count": shared.counts[label],
                "errors": shared.errors[label],
                "p50": percentile(values, 0.50),
                "p99": percentile(values, 0.99),
                "mean": sum(values) / len(values),
            }
            for label, values in sorted(shared.samples.items())
        },
        "all": {
            "count": sum(shared.counts.values()),
            "errors": sum(shared.errors.values()),
            "p50": percentile([v for s in shared.samples.values() for v in s], 0.50),
            "p99": percentile([v for s in shared.samples.values() for v in s], 0.99),
        },
        "error_examples": shared.error_examples,
        "work": {
            "filed": shared.filed,
            "retried": shared.retried,
            "accepted": shared.accepted,
            "claimed": shared.claimed,
            "approved": shared.approved,
        },
    }


def main() -> None:
    plan_path, result_path = sys.argv[1:3]
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    result = drive(plan)
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
