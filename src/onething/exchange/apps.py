from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "onething.exchange"
    label = "exchange"
    verbose_name = "跨省通办交换"

    def ready(self) -> None:
        from onething.core.case_panels import register
        from onething.core.events import (
            CaseAccepted,
            CaseHandedOver,
            CaseRefused,
            LicenceIssued,
            MaterialUploaded,
            TaskDecided,
            subscribe,
        )
        from onething.exchange import handling, joint, journey, panels, recognition  # noqa: F401

        subscribe(CaseAccepted, handling.on_accepted)
        subscribe(TaskDecided, handling.on_decided)
        subscribe(CaseRefused, handling.on_refused)  # 不予受理 told to the forwarding region
        subscribe(LicenceIssued, handling.on_licence)
        subscribe(MaterialUploaded, recognition.on_material_uploaded)  # 证照互认 as a material
        subscribe(CaseAccepted, joint.on_accepted)  # 多地联办: the partner's part forwarded
        subscribe(CaseHandedOver, joint.on_handed_over)  # 一次送达: the partner is told
        register(panels.case_panel)  # the partner's part on the case page and 我的办件
