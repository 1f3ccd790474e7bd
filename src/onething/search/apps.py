from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "onething.search"
    label = "search"
    verbose_name = "搜索"

    def ready(self) -> None:
        from onething.core.events import CatalogImported, subscribe
        from onething.search.services import index_imported_catalog

        subscribe(CatalogImported, index_imported_catalog)  # the index built at import
