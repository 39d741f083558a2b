from django.apps import AppConfig


class QuestionThreadsConfig(AppConfig):
    name = "jineng.question_threads"
    verbose_name = "答疑"
