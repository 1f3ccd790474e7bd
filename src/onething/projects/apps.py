from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "onething.projects"
    label = "projects"
    verbose_name = "项目"

    def ready(self) -> None:
        from onething.core.events import CaseAccepted, TaskDecided, subscribe
        from onething.projects.plan_holds import hold_on_acceptance, release_on_decision

        subscribe(CaseAccepted, hold_on_acceptance)  # a plan's step waits for other projects
        subscribe(TaskDecided, release_on_decision)
