"""The demo tells the whole story: run ``load_demo`` twice on a fresh database (on a fixed day,
2026-11-23, a Monday) and check, as the demo's users would see it, the finished projects and
their claims, the certificates and their public check, the running blended project with its
practical sessions, the reviewers' queues — and that the second run creates nothing.

One test on purpose: building the demo (all regions of China, generated videos) takes most of
a minute."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from jineng.common import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_DAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
COUNTED = ["projects.Project", "projects.RosterEntry", "projects.ProjectEvent", "claims.Claim", "claims.ClaimLine",
           "claims.SubsidyGrant", "certificates.Certificate", "learning.Enrolment", "learning.StudySession",
           "exams.Attempt", "practicals.PracticalSession", "identity.Person", "organizations.Contract",
           "question_threads.QuestionThread", "notifications.Notification", "audit.AuditEntry"]


def _counts() -> dict[str, int]:
    return {name: apps.get_model(name).objects.count() for name in COUNTED}


def _load(lines: list[str]):
    from jineng.demo import load_demo

    clock.travel_to(DEMO_DAY)
    try:
        return load_demo(stdout=lines.append)
    finally:
        clock.reset()


@pytest.mark.django_db
def test_the_demo_tells_the_whole_story_once(client, staff_client):
    from jineng.certificates.models import Certificate
    from jineng.claims import selectors as claim_selectors
    from jineng.claims.models import Claim
    from jineng.demo import DEMO_PASSWORD, print_accounts
    from jineng.identity.models import User
    from jineng.practicals.models import PracticalSession
    from jineng.projects import selectors as project_selectors
    from jineng.projects.models import Project

    first_lines: list[str] = []
    accounts = _load(first_lines)
    # Claim numbers carry the project's id, which PostgreSQL does not reuse between tests.
    n1, n2 = (Claim.objects.get(project__name=f"焊工（初级）职工线上适岗培训（{phase}）").number for phase in ("第一期", "第二期"))
    assert (n1[:11], n1[-4:], n2[:11], n2[-4:]) == ("BT20261123-", "-001", "BT20261123-", "-002")
    story = first_lines[first_lines.index("攀枝花备案分派规则：4 家大型企业 → 市鉴定和培训指导中心；在校大学生 → 市就业创业促进中心"):]
    assert story == [
        "攀枝花备案分派规则：4 家大型企业 → 市鉴定和培训指导中心；在校大学生 → 市就业创业促进中心",
        "演示备案 440204-2026-0001 已提交韶关市浈江区人力资源和社会保障局",
        "平台评估：韶关市浈江区丹霞精密制造有限公司 使用“技能 jineng 线上职业技能培训平台”已通过韶关市职业技能服务中心评估",
        "已结束的培训项目：440204-2026-0002 焊工（初级）职工线上适岗培训（第一期）（10月12日–10月21日，2 人；"
        "周海波考核合格并获证书、吴秀英考核未通过）",
        "已结束的培训项目：440204-2026-0003 焊工（初级）职工线上适岗培训（第二期）（11月09日–11月18日，2 人；"
        "郑伟考核合格并获证书、黄丽娟未学完、未参加考核）",
        f"补贴申请：{n1}（焊工（初级）职工线上适岗培训（第一期）），审定 180.00 元",
        f"补贴申请：{n2}（焊工（初级）职工线上适岗培训（第二期）），审定 180.00 元",
        f"补贴申请（丹霞精密）：{n1} 已提交待受理；{n2} 草稿",
        "线上线下结合项目：510402-2026-0001 焊工理论线上＋实操线下结合培训（培训中，11月23日–12月06日）",
        "线下实操：焊工理论线上＋实操线下结合培训 已安排 3 场（签到大屏见“线下实操”）",
        "答疑：焊工（初级）线上理论培训 有 3 个演示问题（其中 1 个待回复）",
        "站内通知：发送 5 条演示通知",
    ]
    assert [a.username for a in accounts][-5:] == ["13800000006", "13800000007", "13800000008", "13800000009",
                                                   "13800000010"]

    # The finished projects: filed seven working days ahead, approved, run and finished in the past.
    first = Project.objects.get(name="焊工（初级）职工线上适岗培训（第一期）")
    assert (first.state, first.start_date, first.end_date, first.reviewing_office.name) == (
        "finished", dt.date(2026, 10, 12), dt.date(2026, 10, 21), "韶关市浈江区人力资源和社会保障局")
    assert [e.transition for e in first.events.order_by("id")] == ["create", "submit", "approve", "start", "finish"]
    # Its claim: 6 class hours × 30 元 for the learner who passed; the one who failed is excluded.
    claim = Claim.objects.get(project=first)
    lines = [(line.person.name, line.status, str(line.judged_amount), line.reason, line.facts["class_hours"])
             for line in claim.lines.select_related("person").order_by("position")]
    assert (claim.state, str(claim.judged_total)) == ("submitted", "180.00")
    assert lines == [("周海波", "eligible", "180.00", "", 6), ("吴秀英", "excluded", "0.00", "not_passed", 6)]
    second = Claim.objects.get(project__name="焊工（初级）职工线上适岗培训（第二期）")
    assert second.state == "draft"
    assert [(line.person.name, line.status, str(line.judged_amount), line.reason)
            for line in second.lines.select_related("person").order_by("position")] == [
        ("郑伟", "eligible", "180.00", ""), ("黄丽娟", "excluded", "0.00", "not_passed")]

    # The certificates verify at their public address, with nobody signed in.
    certificate = Certificate.objects.get(person__name="周海波")
    assert (certificate.number, certificate.class_hours, certificate.status) == ("JN-2026-000001", 6, "valid")
    page = client.get(f"/certificates/verify/{certificate.token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "JN-2026-000001" in html and "周*波" in html and "有效" in html
    assert sorted(Certificate.objects.values_list("person__name", flat=True)) == ["周海波", "郑伟"]

    # The blended project runs today and has its practical sessions.
    blended = Project.objects.get(name="焊工理论线上＋实操线下结合培训")
    assert (blended.delivery, blended.state, blended.start_date, blended.end_date) == (
        "blended", "running", dt.date(2026, 11, 23), dt.date(2026, 12, 6))
    assert list(PracticalSession.objects.filter(project=blended).order_by("starts_at").values_list("title", flat=True)) == [
        "现场签到演示：低压配电柜接线", "低压电器安装与接线实操", "电动机控制线路实操"]

    # The 浈江区 reviewer has a filing and a claim waiting.
    zhenjiang = User.objects.get(username="zhenjiang")
    queue = project_selectors.review_queue(user=zhenjiang, on=dt.date(2026, 11, 23))
    assert [row.project.number for row in queue] == ["440204-2026-0001"]
    assert [row.claim.number for row in claim_selectors.review_queue(user=zhenjiang, on=dt.date(2026, 11, 23))] == [
        n1]
    zhenjiang.plain_password = DEMO_PASSWORD
    reviewer = staff_client(zhenjiang)
    assert "440204-2026-0001" in reviewer.get("/projects/review/").content.decode()
    assert n1 in reviewer.get("/claims/review/").content.decode()

    # What the demo prints after the accounts says where to look.
    printed: list[str] = []
    print_accounts(accounts, stdout=printed.append, base_url="http://127.0.0.1:8000")
    assert (f"  · 培训合格证书 JN-2026-000001：周海波（13800000006）；公开核验 "
            f"http://127.0.0.1:8000/certificates/verify/{certificate.token}/") in printed

    # The second run finds everything and creates nothing.
    before = _counts()
    second_lines: list[str] = []
    _load(second_lines)
    assert _counts() == before
    assert "站内通知：发送 0 条演示通知" in second_lines
    assert "已结束的培训项目：440204-2026-0002 焊工（初级）职工线上适岗培训（第一期）（已有，不再重建）" in second_lines
