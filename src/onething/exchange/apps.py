from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onething.exchange"
    label = "exchange"
    verbose_name = "跨省通办交换"
