from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "onething.guides"
    label = "guides"
    verbose_name = "办事指南"
