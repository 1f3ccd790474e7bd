from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "onething.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self) -> None:
        from onething.core.events import TaskApproved, subscribe
        from onething.licences.services import issue_for_approved_task

        subscribe(TaskApproved, issue_for_approved_task)  # 一次办成: the certificate issued
