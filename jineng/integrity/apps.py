from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    name = "jineng.integrity"
    verbose_name = "诚信核查"
