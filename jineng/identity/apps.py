from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "jineng.identity"
    verbose_name = "用户与实名身份"
