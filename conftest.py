"""Fixtures shared by every app's tests: real services, a small region set, staff with a
second factor, and a Playwright browser on Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the
# ORM calls that tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Transactional tests empty every table afterwards; the append-only audit table needs its guard lifted for that.
pytest_plugins = ["jineng.audit.testing"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def regions(db):
    """Guangdong / Shaoguan with two counties, and Sichuan / Panzhihua / 东区 — enough for scopes."""
    from jineng.regions.models import Region

    def make(code, name, level, parent=None):
        return Region.objects.create(code=code, name=name, level=level, parent=parent, province_code=code[:2] + "0000",
                                     city_code=(code[:4] + "00") if level != "province" else "")

    gd = make("440000", "广东省", "province")
    sg = make("440200", "韶关市", "city", gd)
    sc = make("510000", "四川省", "province")
    pzh = make("510400", "攀枝花市", "city", sc)
    return {
        "guangdong": gd, "shaoguan": sg,
        "zhenjiang": make("440204", "浈江区", "county", sg),
        "wujiang": make("440203", "武江区", "county", sg),
        "panzhihua": pzh, "dongqu": make("510402", "东区", "county", pzh),
    }


def make_id_number(region_code: str = "440204", birth: dt.date = dt.date(1990, 3, 7), seq: int = 123) -> str:
    from jineng.identity.id_numbers import id_number_with_check_digit

    return id_number_with_check_digit(f"{region_code}{birth:%Y%m%d}{seq:03d}")


@pytest.fixture
def id_number_factory():
    return make_id_number


@pytest.fixture
def make_staff(db):
    """A staff user with a role and a confirmed TOTP device; returns the user."""
    from jineng.identity import services, two_factor
    from jineng.identity.models import Role

    counter = {"n": 0}

    def factory(role: str, *, organization=None, region=None, username: str | None = None, password="Passw0rd!x"):
        counter["n"] += 1
        user = services.staff_user_create(username=username or f"{role}{counter['n']}", display_name=f"{role} 测试",
                                          password=password, actor=None)
        if role == Role.SYSTEM_ADMIN:
            user.is_superuser = user.is_staff = True
            user.save()
        services.role_grant(user=user, role=role, organization=organization, region=region, actor=None)
        two_factor.device_create_confirmed(user=user)
        user.plain_password = password
        return user

    return factory


@pytest.fixture
def make_organization(db):
    from jineng.organizations import services
    from jineng.organizations.credit_codes import credit_code_with_check_digit

    counter = {"n": 0}

    def factory(region_code="440204", *, size="sme", kind="enterprise", name=None):
        counter["n"] += 1
        body = f"91{region_code}MA4U{counter['n']:05d}"[:17]
        return services.organization_register(
            kind=kind, name=name or f"测试企业{counter['n']}", credit_code=credit_code_with_check_digit(body),
            region_code=region_code, address="测试路 1 号", legal_representative="测试", size=size if kind == "enterprise" else "",
            actor=None)

    return factory


def otp_login(client, user) -> None:
    """Sign a staff user in with both factors through the real pages."""
    from jineng.identity import two_factor

    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password})
    assert response.status_code == 302, response.content[:500]
    device = two_factor.confirmed_device(user=user)
    response = client.post("/accounts/otp/", {"token": two_factor.current_token(device)})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def staff_client(client):
    def sign_in(user):
        otp_login(client, user)
        return client

    return sign_in


BROWSER_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh --test (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def patient_context(*args, **kwargs):
            # The live server's first request loads every app; on a busy 2-core CI box a page can
            # take well over Playwright's default wait. Slow is not wrong: wait up to 30 s.
            context = new_context(*args, **kwargs)
            context.set_default_timeout(BROWSER_TIMEOUT_MS)
            return context

        browser.new_context = patient_context
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    """A page the size of a cheap phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()
