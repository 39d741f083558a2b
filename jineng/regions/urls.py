from django.urls import path

from jineng.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.calendar_index, name="calendar"),
    path("<int:year>/", views.calendar_year, name="calendar_year"),
    path("<int:year>/enter/", views.calendar_enter, name="calendar_enter"),
]
