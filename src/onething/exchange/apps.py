from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onething.exchange"
    label = "exchange"
    verbose_name = "跨省通办交换"

    def ready(self) -> None:
        from onething.core.events import (
            CaseAccepted,
            LicenceIssued,
            MaterialUploaded,
            TaskDecided,
            subscribe,
        )
        from onething.exchange import handling, journey, recognition  # noqa: F401

        subscribe(CaseAccepted, handling.on_accepted)
        subscribe(TaskDecided, handling.on_decided)
        subscribe(LicenceIssued, handling.on_licence)
        subscribe(MaterialUploaded, recognition.on_material_uploaded)  # 证照互认 as a material
