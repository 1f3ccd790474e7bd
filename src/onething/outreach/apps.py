from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "onething.outreach"
    label = "outreach"
    verbose_name = "上门办与帮办代办"
