from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "onething.tickets"
    label = "tickets"
    verbose_name = "取号叫号"
