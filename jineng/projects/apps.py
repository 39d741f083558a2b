from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jineng.projects"
    verbose_name = "培训项目与备案"
