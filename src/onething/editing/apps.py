from django.apps import AppConfig


class EditingConfig(AppConfig):
    name = "onething.editing"
    label = "editing"
    verbose_name = "事项编制"
