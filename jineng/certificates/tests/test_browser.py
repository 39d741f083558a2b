"""The issue's browser test, at 360 px in Debian's Chromium: a learner whose hours are credited
takes the final assessment, passes, takes and downloads the certificate PDF; the PDF is rendered
to PNG (pdftoppm), its QR code read (zbarimg), and the address it holds opened in a fresh,
signed-out browser, which shows the masked name and 有效. A further attempt at the exam past the
limit is refused with the exam's message."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from jineng.certificates.models import Certificate
from jineng.certificates.tests.conftest import add_final, credit
from jineng.exams.models import Attempt, AttemptAnswer
from jineng.exams.tests.helpers import right_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_try_final(course, operator):
    return add_final(course=course, operator=operator, max_attempts=1)


def _watch(page, problems: list[str]) -> None:
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils and zbar-tools")
def test_learner_passes_downloads_the_certificate_and_its_qr_verifies(live_server, phone_page, browser, learner,
                                                                     enrolment, safety, welding, one_try_final,
                                                                     tmp_path):
    credit(learner, safety, 45)
    credit(learner, welding, 45)
    page = phone_page
    problems: list[str] = []
    _watch(page, problems)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", learner.username)
    page.fill("#id_password", learner.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # before the exam: hours met, the final assessment missing
    page.goto(f"{live_server.url}/certificates/enrolments/{enrolment.pk}/")
    assert page.locator("#missing").inner_text() == "结业考核尚未通过"
    page.click("#assessment a")  # 去参加结业考核
    page.wait_for_url(f"{live_server.url}/exams/{one_try_final.pk}/")

    # the final assessment
    assert "最多 1 次，已考 0 次，剩余 1 次" in page.locator("#attempts").inner_text()
    page.click("main button[type=submit]")
    page.wait_for_selector("#paper")
    attempt = Attempt.objects.get()
    items = list(attempt.items.order_by("position"))
    for item in items:
        answer = right_answer(item)
        if item.kind == "fill":
            page.fill(f"#q{item.position}", answer)
            page.locator(f"#q{item.position}").blur()
        else:
            for key in answer:
                page.check(f"#q{item.position}-{key}")
    page.wait_for_function(f"() => document.getElementById('answered-count').textContent === '{len(items)}'")
    deadline = time.monotonic() + 15
    while AttemptAnswer.objects.filter(attempt=attempt).values("item").distinct().count() < len(items):
        assert time.monotonic() < deadline, "not every answer reached the server"
        page.wait_for_timeout(100)
    page.click("#hand-in")
    page.wait_for_selector("#confirm-box")
    page.click("#confirm-submit")
    page.wait_for_selector("#result")
    assert "100.00 分" in page.locator("#result").inner_text()
    assert "合格" in page.locator("#verdict").inner_text()

    # the certificate
    page.goto(f"{live_server.url}/certificates/enrolments/{enrolment.pk}/")
    assert page.locator("#completion-state").inner_text() == "已达到结业条件"
    assert page.locator("#missing").count() == 0
    page.click("main button[type=submit]")  # 领取培训合格证书
    page.wait_for_selector("#certificate")
    certificate = Certificate.objects.get()
    assert "培训合格证书已发放，证书编号 JN-2026-000001。" in page.locator(".messages").inner_text()
    assert page.locator("#certificate-status").inner_text() == "有效"
    page.screenshot(path="test-results/certificates-completion.png", full_page=True)
    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename == "培训合格证书-JN-2026-000001.pdf"
    pdf_path = tmp_path / "certificate.pdf"
    download.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    # the QR code, read from the rendered page
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf_path), str(tmp_path / "certificate")],
                   check=True)
    shutil.copy(tmp_path / "certificate.png", "test-results/certificates-pdf.png")
    address = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "certificate.png")], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert address == f"{live_server.url}/certificates/verify/{certificate.token}/"

    # anyone holding the address, signed out, on another phone
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    public = context.new_page()
    _watch(public, problems)
    response = public.goto(address)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert public.locator("#verdict strong").inner_text() == "有效"
    assert public.locator("#holder").inner_text() == "李*红"
    assert "李小红" not in public.content()
    assert "JN-2026-000001" in public.locator("#certificate-facts").inner_text()
    assert public.evaluate("document.documentElement.scrollWidth") <= 360
    public.screenshot(path="test-results/certificates-verify.png", full_page=True)
    context.close()

    # a second attempt past the limit is refused
    page.goto(f"{live_server.url}/exams/{one_try_final.pk}/")
    assert page.locator("#refusal").inner_text() == (
        "本考试最多允许参加 1 次，您已参加 1 次，不能再次参加。"
        "如需补考，请联系本单位的线上培训管理员（或课程提供单位）申请。")
    assert page.locator("#start-box button").count() == 0
    assert Attempt.objects.count() == 1
    page.goto("about:blank")
    assert problems == []
