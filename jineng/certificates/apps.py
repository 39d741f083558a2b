from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "jineng.certificates"
    verbose_name = "培训合格证书"
