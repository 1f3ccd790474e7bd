from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onething.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from onething.cases.materials import fulfil_from_licence
        from onething.core.events import LicenceIssued, subscribe

        subscribe(LicenceIssued, fulfil_from_licence)  # 免提交 within the package
