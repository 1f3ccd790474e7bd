from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onething.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from onething.cases.instant_decisions import (
            on_case_accepted,
            on_case_submitted,
            on_task_decided,
        )
        from onething.cases.materials import fulfil_from_licence
        from onething.core.events import (
            CaseAccepted,
            CaseSubmitted,
            LicenceIssued,
            TaskDecided,
            subscribe,
        )

        subscribe(LicenceIssued, fulfil_from_licence)  # 免提交 within the package
        subscribe(CaseSubmitted, on_case_submitted)  # 即办: accepted at once when nothing to check
        # 秒批: instant items decided at once — after a 定制办 plan held those that wait
        subscribe(CaseAccepted, on_case_accepted, last=True)
        subscribe(TaskDecided, on_task_decided)  # … and those an approval makes workable
