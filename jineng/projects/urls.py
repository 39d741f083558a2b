from django.urls import path

from jineng.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("review/", views.queue, name="queue"),
    path("routing/", views.routing, name="routing"),
    path("routing/<int:rule_id>/deactivate/", views.routing_deactivate, name="routing_deactivate"),
    path("roster-template.xlsx", views.roster_template, name="roster_template"),
    path("materials/<int:material_id>/", views.material_view, name="material"),
    path("materials/<int:material_id>/remove/", views.material_remove, name="material_remove"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/<str:step>/", views.project_edit, name="edit"),
    path("<int:project_id>/commitment/", views.commitment, name="commitment"),
    path("<int:project_id>/submit/", views.submit, name="submit"),
    path("<int:project_id>/decide/", views.decide, name="decide"),
    path("<int:project_id>/<str:name>/", views.transition, name="transition"),
    path("<int:project_id>/forms/<str:form>.<str:fmt>", views.form_download, name="form"),
]
