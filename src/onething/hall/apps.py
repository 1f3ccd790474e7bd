from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onething.hall"
    label = "hall"
    verbose_name = "延伸办（大厅、预约）"

    def ready(self) -> None:
        from onething.core.events import CaseAccepted, subscribe
        from onething.hall.after_hours import on_case_accepted

        subscribe(CaseAccepted, on_case_accepted)  # 延时办: accepted outside regular hours
