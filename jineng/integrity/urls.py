from django.urls import path

from jineng.integrity import views

app_name = "integrity"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag"),
]
