from django.apps import AppConfig


class LinkedConfig(AppConfig):
    name = "onething.linked"
    label = "linked"
    verbose_name = "联动办"
