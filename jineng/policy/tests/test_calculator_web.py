"""补贴测算 from the user's side: the JSON API and the page, with the clause text shown."""

import pytest

from jineng.identity.models import Role

CASE = {
    "policy": "shaoguan-2020-11",
    "subsidy": "online_post_training",
    "claimed_on": "2020-05-20",
    "person": {"id_number": "440204199003071234"},
    "employer": {"size": "sme", "contract_months": 24},
    "training": {
        "kind": "on_the_job",
        "delivery": "online",
        "occupation": "6-31-01-03",
        "level": 5,
        "filed_on": "2020-03-02",
        "start": "2020-03-09",
        "end": "2020-04-10",
        "minutes": 900,
        "passed": True,
    },
}


@pytest.fixture
def admin_client(regions, make_organization, make_staff, staff_client):
    return staff_client(make_staff(Role.TRAINING_ADMIN, organization=make_organization()))


@pytest.mark.django_db
def test_the_api_judges_a_case_and_cites_every_step(admin_client):
    response = admin_client.post(
        "/api/policy/judge", CASE, content_type="application/json", HTTP_X_CSRFTOKEN="ignored-by-test-client"
    )
    body = response.json()
    assert response.status_code == 200, body
    assert (body["eligible"], body["amount"], body["payee"]) == (True, "600.00", "employer")
    assert body["document_number"] == "韶人社函〔2020〕11号"
    assert all(step["clause"].startswith("韶人社函〔2020〕11号") for step in body["trace"])


@pytest.mark.django_db
def test_the_api_says_which_field_is_wrong(admin_client):
    bad = {**CASE, "person": {"id_number": "440204199003071235"}}
    response = admin_client.post("/api/policy/judge", bad, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_id_number"


@pytest.mark.django_db
def test_the_api_refuses_history_from_the_caller(admin_client):
    """The person's history comes from the records; a caller cannot hide it or invent it."""
    with_history = {
        **CASE,
        "history": [
            {
                "policy": "shaoguan-2020-11",
                "subsidy": "online_post_training",
                "occupation": "6-31-01-03",
                "level": 5,
                "start": "2020-01-02",
                "end": "2020-02-01",
                "amount": "900.00",
            }
        ],
    }
    body = admin_client.post("/api/policy/judge", with_history, content_type="application/json").json()
    assert body["amount"] == "600.00"


@pytest.mark.django_db
def test_the_calculator_page_shows_the_amount_and_the_clause_text(admin_client):
    form = {
        "item": "shaoguan-2020-11:online_post_training",
        "claimed_on": "2020-11-02",
        "id_number": "440204199003071234",
        "employer_size": "sme",
        "contract_months": "24",
        "kind": "on_the_job",
        "delivery": "online",
        "occupation": "6-31-01-03",
        "level": "5",
        "filed_on": "2020-03-02",
        "start": "2020-03-09",
        "end": "2020-04-30",
        "minutes": "900",
        "passed": "on",
        "certificate": "none",
        "months": "0",
    }
    html = admin_client.post("/policy/calculator/", form).content.decode()
    assert "不符合补贴条件" in html
    assert "申领期限" in html and "在培训工作结束后6个月内有效提出申领的" in html
    assert '<span class="mono">0.00</span> 元' in html


@pytest.mark.django_db
def test_the_employer_region_names_the_paying_bureau(admin_client):
    form = {"item": "shaoguan-2020-11:online_post_training", "claimed_on": "2020-05-20",
            "id_number": "440204199003071234", "employer_size": "sme", "employer_region": "440204",
            "contract_months": "24", "kind": "on_the_job", "delivery": "online", "occupation": "6-31-01-03",
            "level": "5", "filed_on": "2020-03-02", "start": "2020-03-09", "end": "2020-04-10", "minutes": "900",
            "passed": "on", "certificate": "none", "months": "0"}
    html = admin_client.post("/policy/calculator/", form).content.decode()
    assert "符合补贴条件" in html and '<span class="mono">600.00</span> 元' in html
    assert '<dt>支付地区</dt><dd class="mono">440204</dd>' in html


@pytest.mark.django_db
def test_a_date_in_the_wrong_order_is_refused_beside_the_field(admin_client):
    html = admin_client.post(
        "/policy/calculator/",
        {
            "item": "shaoguan-2020-11:online_post_training",
            "claimed_on": "2020-05-20",
            "id_number": "440204199003071234",
            "kind": "on_the_job",
            "delivery": "online",
            "occupation": "x",
            "start": "2020-04-10",
            "end": "2020-03-09",
            "minutes": "900",
            "certificate": "none",
        },
    ).content.decode()
    assert 'id="end-error"' in html and "不能早于开始日期" in html
