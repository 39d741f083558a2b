import os
import subprocess
import sys

import pytest
from django.conf import settings

from jineng.identity import services
from jineng.identity.models import Role


@pytest.mark.django_db
def test_pages_speak_chinese_and_fit_a_phone(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html and "登录" in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


@pytest.mark.django_db
def test_staff_need_a_second_factor_before_any_page(client, regions, make_staff):
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    response = client.post("/accounts/login/", {"username": reviewer.username, "password": reviewer.plain_password})
    assert response["Location"] == "/accounts/otp/"
    assert client.get("/people/")["Location"] == "/accounts/otp/"
    assert client.get("/api/identity/persons").status_code == 403
    response = client.post("/accounts/otp/", {"token": "000000"})
    assert "动态口令不正确" in response.content.decode()


@pytest.mark.django_db
def test_a_staff_member_without_a_device_enrols_on_first_sign_in(client, regions):
    user = services.staff_user_create(username="newbie", display_name="新审核员", password="Passw0rd!x", actor=None)
    services.role_grant(user=user, role=Role.COUNTY_REVIEWER, region=regions["zhenjiang"], actor=None)
    client.post("/accounts/login/", {"username": "newbie", "password": "Passw0rd!x"})
    page = client.get("/accounts/otp/").content.decode()
    assert "绑定手机验证器" in page and "data:image/svg+xml" in page
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jineng.identity import two_factor

    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/otp/", {"token": two_factor.current_token(device)})["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope", "heading"),
    [
        (Role.COUNTY_REVIEWER, "zhenjiang", "审核台"),
        (Role.CITY_OFFICER, "shaoguan", "总览"),
        (Role.SYSTEM_ADMIN, None, "系统总览"),
        (Role.TRAINING_ADMIN, "org", "线上培训管理员工作台"),
        (Role.PLATFORM_OPERATOR, "org", "平台运营工作台"),
    ],
)
def test_each_role_has_its_home_page(client, regions, make_staff, make_organization, staff_client, role, scope, heading):
    kwargs = {}
    if scope == "org":
        kwargs["organization"] = make_organization()
    elif scope:
        kwargs["region"] = regions[scope]
    user = make_staff(role, **kwargs)
    html = staff_client(user).get("/").content.decode()
    assert f"<h1>{heading}" in html


@pytest.mark.django_db
def test_learner_home_shows_the_masked_id_number(client, regions, id_number_factory):
    number = id_number_factory()
    services.learner_register(name="李小红", id_number=number, phone="13800000001", password="Xuexi@2026!")
    client.post("/accounts/login/", {"username": "13800000001", "password": "Xuexi@2026!"})
    html = client.get("/").content.decode()
    assert "4402**********" + number[-4:] in html and number not in html


@pytest.mark.django_db
def test_reviewer_cannot_open_a_person_outside_their_county(client, regions, make_staff, staff_client, id_number_factory):
    outsider = services.person_register(name="武江人", id_number=id_number_factory("440203"), actor=None)
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    assert staff_client(reviewer).get(f"/people/{outsider.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_state_changing_api_call_without_the_csrf_token_is_refused(regions, make_staff, id_number_factory):
    from django.test import Client

    person = services.person_register(name="浈江人", id_number=id_number_factory("440204"), actor=None)
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    client = Client(enforce_csrf_checks=True)
    login_page = client.get("/accounts/login/")
    token = login_page.cookies["csrftoken"].value
    client.post("/accounts/login/", {"username": reviewer.username, "password": reviewer.plain_password,
                                     "csrfmiddlewaretoken": token})
    from jineng.identity import two_factor

    token = client.cookies["csrftoken"].value  # rotated at sign-in
    client.post("/accounts/otp/", {"token": two_factor.current_token(two_factor.confirmed_device(user=reviewer)),
                                   "csrfmiddlewaretoken": token})
    assert client.get("/api/identity/persons").status_code == 200
    refused = client.post(f"/api/identity/persons/{person.pk}/reveal", {"reason": "x"}, content_type="application/json")
    assert refused.status_code == 403
    allowed = client.post(f"/api/identity/persons/{person.pk}/reveal", {"reason": "x"}, content_type="application/json",
                          HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert allowed.status_code == 200 and allowed.json()["id_number"] == person.id_number


@pytest.mark.django_db
def test_api_errors_name_the_field(client, regions):
    response = client.post("/api/identity/register", {"name": "李小红", "id_number": "440204199003071235",
                                                      "phone": "13800000001", "password": "Xuexi@2026!"},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "id_number"
    assert response.json()["error"]["code"] == "invalid_id_number"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "JINENG_ENV": "production",
        "SECRET_KEY": "p" * 20 + "Q7#x" * 10 + "z" * 10,
        "ALLOWED_HOSTS": "jineng.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "JINENG_DATA_KEYS": "k2026:" + "A" * 43 + "=",
        "JINENG_LOOKUP_KEY": "B" * 43 + "=",
        "DJANGO_SETTINGS_MODULE": "jineng.settings",
    }
    result = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "check", "--deploy",
                             "--fail-level", "WARNING"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JINENG_DATA_KEYS", "JINENG_LOOKUP_KEY"}}
    env.update({"JINENG_ENV": "production", "DJANGO_SETTINGS_MODULE": "jineng.settings"})
    result = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "check"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_the_admin_shows_people_masked_and_read_only(regions, make_staff, staff_client, id_number_factory):
    number = id_number_factory()
    person = services.person_register(name="李小红", id_number=number, phone="13800000001", actor=None)
    client = staff_client(make_staff(Role.SYSTEM_ADMIN))
    listing = client.get("/admin/identity/person/").content.decode()
    assert "4402**********" + number[-4:] in listing and number not in listing
    detail = client.get(f"/admin/identity/person/{person.pk}/change/")
    assert detail.status_code == 200 and number not in detail.content.decode()
    assert client.post(f"/admin/identity/person/{person.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_an_unknown_key_group_claim_is_a_404_not_a_crash(regions, make_staff, staff_client):
    client = staff_client(make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"]))
    assert client.get("/key-groups/999/evidence/").status_code == 404
    assert client.post("/key-groups/999/decide/", {"decision": "approve"}).status_code == 404
