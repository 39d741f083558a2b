from django.urls import path

from jineng.platforms import views

app_name = "platforms"

urlpatterns = [
    path("", views.platform_list, name="list"),
    path("new/", views.platform_register, name="register"),
    path("<int:platform_id>/", views.platform_detail, name="detail"),
    path("<int:platform_id>/edit/", views.platform_edit, name="edit"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/queue/", views.evaluation_queue, name="queue"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:evaluation_id>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:evaluation_id>/submit/", views.evaluation_submit, name="evaluation_submit"),
    path("evaluations/<int:evaluation_id>/decide/", views.evaluation_decide, name="evaluation_decide"),
    path("evaluations/<int:evaluation_id>/form-5-1.xlsx", views.evaluation_xlsx, name="evaluation_xlsx"),
    path("evaluations/<int:evaluation_id>/form-5-1.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("materials/<int:material_id>/", views.material_view, name="material"),
    path("materials/<int:material_id>/remove/", views.material_remove, name="material_remove"),
    path("filings/", views.filings, name="filings"),
    path("filings/<int:filing_id>/withdraw/", views.filing_withdraw, name="filing_withdraw"),
]
