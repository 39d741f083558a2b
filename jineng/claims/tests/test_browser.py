"""On a 360 px phone in a real browser: from an approved, finished project with two learners (one
passed, one failed) to a paid claim. The training administrator builds the claim from the records
and submits it; the county reviewer accepts and approves it; the public notice shows masked names
and the right amounts; the background task closes the notice; the reviewer records the payment."""

from __future__ import annotations

from pathlib import Path

import pytest

from jineng.claims import services
from jineng.claims.models import Claim
from jineng.claims.tests import factories as f
from jineng.identity import two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path("test-results")


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/accounts/otp/")
    page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def sign_out(page, base_url: str) -> None:
    page.click("form.signout button")
    page.wait_for_url(f"{base_url}/accounts/login/")


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"


def test_from_a_finished_project_to_a_paid_claim(live_server, browser, phone_page, project, training_admin, reviewer,
                                                 frozen_clock):
    RESULTS.mkdir(exist_ok=True)
    page, base = phone_page, live_server.url
    sign_in(page, base, training_admin)
    page.goto(f"{base}/claims/")
    page.click(f"a[href='/claims/new/{project.pk}/']")
    page.wait_for_selector("h1:has-text('申请补贴')")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已按平台记录生成补贴申请")
    assert page.locator("#judged-total").inner_text() == "600.00 元"
    assert "不予补贴：未通过结业考核（韶人社函〔2020〕11号 附件1 一(三)）" in page.locator("#line-2").inner_text()
    assert "600.00 元" in page.locator("#line-1 .line-amount").inner_text()
    assert page.locator("#claim-chart svg").count() == 1  # the chart really drew
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "claims-draft.png"), full_page=True)
    page.click("#submit-claim")
    page.wait_for_selector("text=补贴申请已提交")
    assert "已提交待受理" in page.locator("main").inner_text()
    sign_out(page, base)

    sign_in(page, base, reviewer)
    page.goto(f"{base}/claims/review/")
    assert "审核期限 2020-05-12" in page.locator("table.queue").inner_text()
    assert_fits_the_phone(page)
    page.click("table.queue a")
    page.click("button:has-text('受理，开始审核')")
    page.wait_for_selector("text=已受理，开始审核")
    page.check("input[name=decision][value=approve]")
    page.fill("#id_comment", "学习记录与考核结果一致，同意公示。")
    page.click("#review button[type=submit]")
    page.wait_for_selector("text=审核结论已保存")

    claim = Claim.objects.get()
    public = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    public.goto(f"{base}/claims/notices/{claim.pk}/")  # anyone, not signed in
    rows = public.locator("table.notice-lines tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [["1", "张*丰", "600.00"]]
    assert "李" not in public.locator("table.notice-lines").inner_text()
    assert public.locator(".notice-total").inner_text() == "600.00 元"
    assert_fits_the_phone(public)
    public.screenshot(path=str(RESULTS / "claims-public-notice.png"), full_page=True)
    public.context.close()

    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))  # the notice (to 2020-04-26) is over without objection
    assert services.claims_advance_due() == {"notices_closed": 1, "overdue_flagged": 0}
    page.goto(f"{base}/claims/{claim.pk}/")  # the reviewer, still signed in
    page.fill("#id_reference", "GK2020-0427-001")
    page.fill("#id_paid_on", "2020-04-27")
    page.click("#review button[type=submit]")
    page.wait_for_selector("text=拨付已登记")
    assert page.locator("#paid-total").inner_text() == "600.00 元"
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "claims-paid.png"), full_page=True)
    claim.refresh_from_db()
    assert (claim.state, str(claim.paid_total)) == ("paid", "600.00")


def test_a_jinjiang_advance_on_the_phone(live_server, browser, phone_page, jj_project, jj_admin, jj_reviewer):
    """晋政办〔2019〕79号 二(五)2: the running project is claimed for its advance, the reviewer records
    the 60 % payment, the applicant sees it and is told to claim the rest once the training ends.
    (The reviewer uses a second phone: a TOTP code signs one user in once.)"""
    RESULTS.mkdir(exist_ok=True)
    page, base = phone_page, live_server.url
    sign_in(page, base, jj_admin)
    page.goto(f"{base}/claims/")
    assert "培训中，可申请先行拨付" in page.locator("main").inner_text()
    page.click(f"a[href='/claims/new/{jj_project.pk}/']")
    assert "生成的是先行拨付申请" in page.locator("#advance-note").inner_text()
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已按平台记录生成补贴申请")
    assert page.locator("#judged-total").inner_text() == "1600.00 元"
    assert "审核后先行拨付 60%（晋政办〔2019〕79号 二(五)2）" in page.locator("#claim-phase").inner_text()
    assert "未附补贴申请表样式" in page.locator("main").inner_text()
    page.click("#submit-claim")
    page.wait_for_selector("text=补贴申请已提交")

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    reviewer_page = context.new_page()
    sign_in(reviewer_page, base, jj_reviewer)
    claim = Claim.objects.get()
    reviewer_page.goto(f"{base}/claims/{claim.pk}/")
    reviewer_page.click("button:has-text('受理，开始审核')")
    reviewer_page.wait_for_selector("text=已受理，开始审核")
    reviewer_page.fill("#advance-form #id_reference", "JJ2020-ADV-001")
    reviewer_page.fill("#advance-form #id_paid_on", "2020-04-20")
    reviewer_page.click("#advance-form button[type=submit]")
    reviewer_page.wait_for_selector("text=先行拨付已登记")
    assert reviewer_page.locator("#advance-paid").inner_text().startswith("960.00 元")
    assert_fits_the_phone(reviewer_page)
    reviewer_page.screenshot(path=str(RESULTS / "claims-advance.png"), full_page=True)
    context.close()

    page.goto(f"{base}/claims/{claim.pk}/")  # the applicant, still signed in
    assert "2020-05-15 结束；结束后在这里按最终记录申请余款" in page.locator("#finalize").inner_text()
    assert_fits_the_phone(page)
    claim.refresh_from_db()
    assert (claim.state, str(claim.advance_paid)) == ("advance_paid", "960.00")
