"""What the search pages show: results for reading (an item with the packages that
contain it, where it is done), and, when nothing is found, the closest packages and the
ways on."""

from __future__ import annotations

from onething.search import services

KIND_LABELS = {"package": "一件事", "item": "事项"}


def results_context(answer: services.SearchAnswer) -> dict:
    containing = services.packages_of_items([h.id for h in answer.results if h.kind == "item"])
    context: dict = {
        "query": answer.query,
        "catalog_ready": answer.catalog_ready,
        "results": [
            {
                "hit": hit,
                "kind_label": KIND_LABELS[hit.kind],
                "packages": containing.get(hit.id, []) if hit.kind == "item" else [],
            }
            for hit in answer.results
        ],
    }
    if answer.catalog_ready and answer.query and not answer.results:
        context["closest"] = services.closest_packages(answer)
        context["halls"] = services.halls()
    return context
