from django.urls import path

from jineng.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/otp/", views.otp_verify, name="otp_verify"),
    path("people/", views.people, name="people"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("people/<int:person_id>/key-groups/", views.key_group_claim, name="key_group_claim"),
    path("key-groups/<int:membership_id>/decide/", views.key_group_decide, name="key_group_decide"),
    path("key-groups/<int:membership_id>/evidence/", views.evidence_download, name="evidence_download"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<int:organization_id>/", views.organization_detail, name="organization_detail"),
    path("organizations/contract-template.xlsx", views.contract_template, name="contract_template"),
    path("service-windows/", views.service_windows, name="service_windows"),
]
