from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jineng.documents"
    verbose_name = "官方表格（PDF/XLSX）"
