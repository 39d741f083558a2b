from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "jineng.exams"
    verbose_name = "题库、练习与考试"
