from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "onething.zones"
    label = "zones"
    verbose_name = "专区办（市场、商场、园区）"
