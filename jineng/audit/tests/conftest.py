from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

# The root conftest registers jineng.audit.testing, which lets Django's flush empty the
# append-only table after transactional tests.


@pytest.fixture
def audit_regions(db: None) -> dict[str, Any]:
    """Guangdong / Shaoguan / 浈江区 and 武江区, and Sichuan / Panzhihua / 东区."""
    from jineng.regions.models import Region

    def make(code: str, name: str, level: str, parent: Region | None = None) -> Region:
        return Region.objects.create(
            code=code, name=name, level=level, parent=parent, province_code=code[:2] + "0000",
            city_code="" if level == "province" else code[:4] + "00",
        )

    guangdong = make("440000", "广东省", "province")
    shaoguan = make("440200", "韶关市", "city", guangdong)
    sichuan = make("510000", "四川省", "province")
    panzhihua = make("510400", "攀枝花市", "city", sichuan)
    return {
        "guangdong": guangdong,
        "shaoguan": shaoguan,
        "zhenjiang": make("440204", "浈江区", "county", shaoguan),
        "wujiang": make("440203", "武江区", "county", shaoguan),
        "sichuan": sichuan,
        "panzhihua": panzhihua,
        "dongqu": make("510402", "东区", "county", panzhihua),
    }


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """A user with at most one role, made with the ORM (the audit app does not depend on the
    identity services)."""
    from jineng.identity.models import RoleAssignment, User

    def factory(username: str, role: str | None = None, *, organization: Any = None, region: Any = None,
                superuser: bool = False) -> User:
        user = User.objects.create_user(username=username, password="Passw0rd!x", is_superuser=superuser)
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, organization=organization, region=region)
        return user

    return factory


@pytest.fixture
def make_organization(db: None) -> Callable[..., Any]:
    from jineng.organizations.models import Organization

    counter = {"n": 0}

    def factory(region: Any, name: str | None = None) -> Organization:
        counter["n"] += 1
        return Organization.objects.create(
            kind="institution", name=name or f"测试培训学校{counter['n']}", credit_code=f"52440200MJ{counter['n']:08d}",
            region=region, address="测试路 1 号", legal_representative="测试",
        )

    return factory


@pytest.fixture
def record() -> Callable[..., Any]:
    """``audit_record`` inside its own transaction, as a service would call it."""
    from jineng.audit.services import audit_record

    def call(action: str = "thing.touch", **kwargs: Any) -> Any:
        kwargs.setdefault("actor", None)
        with transaction.atomic():
            return audit_record(action=action, **kwargs)

    return call
