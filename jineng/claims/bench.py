"""``jineng bench claims``: submit one claim of 10,000 lines against the subsidy history of
1,000,000 persons, in a scratch database of the configured kind (PostgreSQL for the figure
that counts).

Set-up (not timed): a finished Shaoguan project, 10,000 registered persons on its roster with
their line facts, one claim in draft; 1,000,000 subsidy accounts with one grant each (SQL
``generate_series``), and for each line's person 1–3 grants of the same year, so caps and counts
really bite. Timed: ``claim_submit`` — lock the 10,000 accounts, read their history, judge every
line with the engine, save amounts and traces, reserve the grants, write the audit entry.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _setup(lines: int, history_persons: int):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from stdnum.cn import ric

    from jineng.claims.models import Claim, ClaimLine, SubsidyAccount, SubsidyGrant
    from jineng.common import clock
    from jineng.courses.models import Occupation
    from jineng.identity.models import Person, Role
    from jineng.identity.services import id_number_digest, role_grant
    from jineng.organizations.credit_codes import credit_code_with_check_digit
    from jineng.organizations.services import organization_register
    from jineng.platforms.services import PlatformData, platform_register
    from jineng.projects.models import Project
    from jineng.regions.models import Region

    rng = random.Random(20200420)
    clock.travel_to(dt.datetime(2020, 4, 20, 9, 0, tzinfo=SHANGHAI))
    province = Region.objects.create(code="440000", name="广东省", level="province", province_code="440000")
    city = Region.objects.create(code="440200", name="韶关市", level="city", parent=province, province_code="440000",
                                 city_code="440200")
    Region.objects.create(code="440204", name="浈江区", level="county", parent=city, province_code="440000",
                          city_code="440200")
    org = organization_register(kind="enterprise", name="浈江机械厂", region_code="440204", address="测试路 1 号",
                                credit_code=credit_code_with_check_digit("91440204MA4U00001"), legal_representative="测试",
                                size="sme", actor=None)
    admin = get_user_model().objects.create(username="bench_admin", display_name="培训管理员")
    role_grant(user=admin, role=Role.TRAINING_ADMIN, organization=org, actor=None)
    occupation, _ = Occupation.objects.get_or_create(code="6-18-02-04", defaults={"name": "焊工", "levels": [5]})
    platform = platform_register(data=PlatformData(name="基准测试平台", website="bench.example.cn"), actor=None)
    filed = dt.datetime(2020, 3, 2, 10, 0, tzinfo=SHANGHAI)
    project = Project.objects.create(
        number="440204-2020-9999", organization=org, kind="on_the_job", delivery="online", occupation=occupation,
        level=5, platform=platform, name="基准测试项目", start_date=dt.date(2020, 3, 16), end_date=dt.date(2020, 4, 10),
        purpose="基准测试", planned_headcount=lines, planned_class_hours=20, contact_name="李", contact_phone="0751",
        policy_pack="shaoguan-2020-11", state="finished", submitted_at=filed, decided_at=filed, created_by=admin,
        created_at=filed, updated_at=filed)
    persons = []
    for i in range(lines):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
        body = f"440204{birth:%Y%m%d}{i % 900 + 100:03d}"
        number = body + ric.calc_check_digit(body + "0")
        persons.append(Person(name=f"学员{i}", id_number=number, id_number_digest=id_number_digest(number),
                              birth_date=birth, sex="M", birth_region_code="440204"))
    Person.objects.bulk_create(persons, batch_size=2000)
    persons = list(Person.objects.order_by("pk"))
    now = clock.now()
    claim = Claim.objects.create(number="BT-BENCH-1", project=project, organization=org, policy="shaoguan-2020-11",
                                 subsidy="online_post_training", document_number="韶人社函〔2020〕11号",
                                 item_title="企业职工线上适岗培训补贴", payee_kind="employer", region_code="440204",
                                 created_by=admin, created_at=now, updated_at=now)
    ClaimLine.objects.bulk_create([
        ClaimLine(claim=claim, position=i, person=p, facts={
            "planned_minutes": 900, "credited_minutes": m, "countable_minutes": m, "class_hours": m // 45,
            "passed": rng.random() < 0.9, "assessed": True, "score": "80.00", "certificate": "none",
            "groups": [], "hukou": "440204", "contract_months": 24, "hired_on": "2019-01-01", "on_roster": True,
            "courses": []})
        for i, p in enumerate(persons, start=1) for m in (rng.randrange(300, 1500),)
    ], batch_size=2000)
    with connection.cursor() as cursor, transaction.atomic():
        cursor.execute(
            "INSERT INTO claims_subsidyaccount (person_digest) SELECT md5('bench-' || g) || md5('other-' || g) "
            "FROM generate_series(1, %s) g", [history_persons])
        cursor.execute(
            "INSERT INTO claims_subsidygrant (account_id, policy, subsidy, occupation, level, start, \"end\", amount, "
            "status, source, created_at) SELECT id, 'shaoguan-2020-11', 'online_post_training', '6-31-01-03', 5, "
            "DATE '2020-03-02', DATE '2020-03-20', 300.00, 'paid', 'bench', now() FROM claims_subsidyaccount")
    SubsidyAccount.objects.bulk_create([SubsidyAccount(person_digest=p.id_number_digest, person=p) for p in persons],
                                       batch_size=2000)
    accounts = {a.person_id: a for a in SubsidyAccount.objects.filter(person__isnull=False)}
    grants = []
    for p in persons:
        for k in range(rng.randrange(1, 4)):
            grants.append(SubsidyGrant(account=accounts[p.pk], policy="shaoguan-2020-11",
                                       subsidy="online_post_training", occupation="6-31-01-03", level=5 - k,
                                       start=dt.date(2020, 2, 1), end=dt.date(2020, 3, 1),
                                       amount=Decimal(rng.choice(("150.00", "300.00", "450.00"))),
                                       status="paid", source="bench", created_at=now))
    SubsidyGrant.objects.bulk_create(grants, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE claims_subsidyaccount")
            cursor.execute("ANALYZE claims_subsidygrant")
    return claim, admin


def run_claims_bench(*, lines: int = 10_000, history_persons: int = 1_000_000) -> dict:
    from jineng.cli import setup_django

    setup_django()
    from django.db import connection

    from jineng.benchmarks import _scratch_database
    from jineng.claims.models import ClaimLine, SubsidyGrant
    from jineng.claims.services import claim_submit
    from jineng.common import clock

    vendor, teardown = _scratch_database()
    try:
        started = time.perf_counter()
        claim, admin = _setup(lines, history_persons)
        setup_s = time.perf_counter() - started
        print(f"set-up: {lines} lines, {history_persons} persons' history in {setup_s:.1f} s", flush=True)
        started = time.perf_counter()
        claim = claim_submit(claim=claim, actor=admin)
        seconds = time.perf_counter() - started
        eligible = ClaimLine.objects.filter(claim=claim, status="eligible").count()
        capped = ClaimLine.objects.filter(claim=claim, reason="annual_cap_reached").count()
        grants = SubsidyGrant.objects.count()
        assert claim.state == "submitted"
    finally:
        clock.reset()
        connection.close()
        teardown()
    return {"database": vendor, "lines": lines, "history_persons": history_persons, "grants": grants,
            "eligible": eligible, "annual_cap_reached": capped, "judged_total": f"{claim.judged_total:.2f}",
            "seconds": round(seconds, 3), "lines_per_s": round(lines / seconds)}
