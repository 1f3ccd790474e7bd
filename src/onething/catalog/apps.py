from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "onething.catalog"
    label = "catalog"
    verbose_name = "事项编制"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from onething.catalog.models import CatalogVersion
        from onething.catalog.services import forget_digests

        # The digests kept by version id: a test's rolled-back version frees its id.
        post_save.connect(forget_digests, sender=CatalogVersion, dispatch_uid="catalog-digests")
        post_delete.connect(forget_digests, sender=CatalogVersion, dispatch_uid="catalog-digests-d")
