from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jineng.audit"
    verbose_name = "审计日志"
