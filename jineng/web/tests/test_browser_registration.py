"""A learner registers on a phone-sized screen in a real browser (Debian's Chromium)."""

import pytest

from jineng.identity.models import Person, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_registration(page, *, id_number: str):
    page.fill("#id_name", "李小红")
    page.fill("#id_id_number", id_number)
    page.fill("#id_phone", "13800000001")
    page.fill("#id_password", "Xuexi@2026!")
    page.fill("#id_password_again", "Xuexi@2026!")
    page.check("#id_consent")
    page.click("button[type=submit]")


def test_a_learner_registers_with_a_valid_id_number(live_server, phone_page, regions, id_number_factory):
    number = id_number_factory()
    phone_page.goto(f"{live_server.url}/accounts/register/")
    assert phone_page.locator("h1").inner_text() == "学员实名注册"
    fill_registration(phone_page, id_number=number)
    phone_page.wait_for_url(f"{live_server.url}/")
    assert "注册成功，欢迎您，李小红" in phone_page.content()
    assert "4402**********" + number[-4:] in phone_page.locator(".facts").inner_text()
    assert Person.objects.get().name == "李小红"
    phone_page.screenshot(path="test-results/register-success.png", full_page=True)


def test_a_wrong_check_digit_shows_beside_the_field_and_saves_nothing(live_server, phone_page, regions):
    phone_page.goto(f"{live_server.url}/accounts/register/")
    fill_registration(phone_page, id_number="440204199003071235")
    error = phone_page.locator(".field.has-error #id_number-error")
    assert "校验码不正确" in error.inner_text()
    # the message stands in the ID number's own field block, directly under its input
    assert phone_page.locator(".field.has-error input#id_id_number").count() == 1
    assert phone_page.input_value("#id_name") == "李小红"
    assert Person.objects.count() == 0 and User.objects.count() == 0
    phone_page.screenshot(path="test-results/register-error.png", full_page=True)
