from django.urls import path

from jineng.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("register/", views.register, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("enrolments/<int:enrolment_id>/", views.completion, name="completion"),
    path("enrolments/<int:enrolment_id>/issue/", views.issue, name="issue"),
    path("<int:certificate_id>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<int:certificate_id>/revoke/", views.revoke, name="revoke"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
