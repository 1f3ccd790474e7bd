from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "onething.projects"
    label = "projects"
    verbose_name = "项目"
