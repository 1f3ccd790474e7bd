from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "onething.catalog"
    label = "catalog"
    verbose_name = "事项编制"
