from django.http import HttpResponse
from django.urls import path

app_name = "web"


def _placeholder(request):  # replaced by the real pages in this session
    return HttpResponse("jineng")


urlpatterns = [
    path("", _placeholder, name="home"),
    path("accounts/login/", _placeholder, name="login"),
    path("accounts/otp/", _placeholder, name="otp_verify"),
]
