from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jineng.web"
    verbose_name = "网站"
