"""事项编制 benchmark (issue 20): with a 3,000-item catalogue (bench.catalog_bench's: 300
packages, 600 materials, 300 fields), an editor opens an item's form and saves it, each
through Django's whole request path (session, second factor, middleware, view, template)
in one process, on a fresh database. A save runs every check of `onething catalog check`
on the whole draft (catalog.rechecking: the changed item read again, the checks across
entries on all), writes one row and its record. Goal: opening and saving each < 200 ms.

Also printed: starting the draft (a row per object, once), the differences in words and
publishing the draft as a version (both once, by the publisher).

Run: python -m bench.editing_bench [--db sqlite|postgres] [--samples 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.editing_bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--samples", type=int, default=30)
    return parser.parse_args(argv)


def logged_in(username: str):
    """A test client logged in with both factors, as the tests' force_login does."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from onething.accounts import twofactor
    from onething.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    user = User.objects.get(username=username)
    client.force_login(user)
    device = twofactor.confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def form_of(item: dict, revision: int) -> dict[str, object]:
    """What the item's form posts (bench items have no conditions or lists of text)."""
    form: dict[str, object] = {
        "revision": str(revision),
        "name": item["name"],
        "department": item["department"],
        "kind": item["kind"],
        "levels": item["levels"],
        "legal_days": str(item["legal_days"]),
        "promised_days": str(item["promised_days"]),
        "trips": str(item["trips"]),
        "fee": str(item.get("fee", "")),
        "basis": "\n".join(item.get("basis", [])),
        "conditions": "\n".join(item.get("conditions", [])),
    }
    if item.get("online"):
        form["online"] = "1"
    for index, material in enumerate(item.get("materials", [])):
        form[f"materials[{index}].material"] = material["material"]
        form[f"materials[{index}].copies"] = str(material.get("copies", 1))
        form[f"materials[{index}].required"] = "1"
    for index, field in enumerate(item.get("fields", [])):
        form[f"fields[{index}]"] = field
    return form


def summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"    {label}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, worst {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"
    )


def main(argv=None) -> None:
    args = arguments(argv)
    from bench.cases_bench import configure, prepare
    from bench.catalog_bench import generate_catalog

    label = configure(args.db)
    prepare()
    from onething.catalog.services import import_catalog
    from onething.editing import publishing, services
    from onething.editing.models import DraftEntry

    document = generate_catalog()
    import_catalog(json.dumps(document, ensure_ascii=False).encode(), imported_by="bench")
    items, packages = len(document["items"]), len(document["packages"])
    print(f"事项编制 on {label}: {items} items, {packages} packages")
    editor = logged_in("editor")
    started = time.perf_counter()
    assert editor.get("/editing/").status_code == 200  # starts the draft
    print(
        f"    starting the draft (a row per object) and its list page: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    editor.get("/editing/items/item_0")  # the first read of the draft fills the checker
    opened, saved, opened_cpu, saved_cpu = [], [], [], []
    for n in range(args.samples):
        key = f"item_{(n * 97) % len(document['items'])}"
        url = f"/editing/items/{key}"
        began, cpu = time.perf_counter(), time.process_time()
        page = editor.get(url)
        opened.append(time.perf_counter() - began)
        opened_cpu.append(time.process_time() - cpu)
        assert page.status_code == 200, page.status_code
        row = DraftEntry.objects.get(section="items", key=key)
        item = dict(row.data)
        if item["kind"] == "promise" and item["promised_days"] > 1:
            item["promised_days"] -= 1  # the editor lowers a promised time
        else:
            item["trips"] = max(0, item["trips"] - 1)
        began, cpu = time.perf_counter(), time.process_time()
        answer = editor.post(url, form_of(item, row.revision))
        saved.append(time.perf_counter() - began)
        saved_cpu.append(time.process_time() - cpu)
        assert answer.status_code == 302, (answer.status_code, answer.content[:2000])
    print(summary("opening an item (GET its form)", opened))
    print(summary("    its CPU time", opened_cpu))
    print(summary("saving it (POST, every check, one row)", saved))
    print(summary("    its CPU time", saved_cpu))
    print("    goal: each < 200 ms")
    draft = services.open_draft()
    began = time.perf_counter()
    told = publishing.draft_differences(draft)
    print(
        f"    the differences in words ({len(told)} objects): "
        f"{(time.perf_counter() - began) * 1000:.0f} ms"
    )
    from onething.accounts.models import User

    publishing.submit(User.objects.get(username="editor"))
    began = time.perf_counter()
    version = publishing.publish(User.objects.get(username="publisher"))
    print(
        f"    publishing it as version {version.number}: "
        f"{(time.perf_counter() - began) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
