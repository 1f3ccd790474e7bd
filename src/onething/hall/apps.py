from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onething.hall"
    label = "hall"
    verbose_name = "延伸办（大厅、预约）"
