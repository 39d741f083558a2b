from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "jineng.courses"
    verbose_name = "课程"
