from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onething.exchange"
    label = "exchange"
    verbose_name = "跨省通办交换"

    def ready(self) -> None:
        from onething.core.events import CaseAccepted, LicenceIssued, TaskDecided, subscribe
        from onething.exchange import handling, journey  # noqa: F401  (register handlers)

        subscribe(CaseAccepted, handling.on_accepted)
        subscribe(TaskDecided, handling.on_decided)
        subscribe(LicenceIssued, handling.on_licence)
