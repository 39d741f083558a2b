from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from jineng.audit.admin import AuditEntryAdmin
from jineng.audit.models import AuditEntry
from jineng.identity.models import Role


@pytest.fixture
def model_admin() -> AuditEntryAdmin:
    registered = admin.site._registry[AuditEntry]
    assert isinstance(registered, AuditEntryAdmin)
    return registered


@pytest.mark.django_db
def test_nobody_may_add_change_or_delete(model_admin: AuditEntryAdmin, record: Any, make_user: Any) -> None:
    entry = record()
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = make_user("root", superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.has_view_permission(request, entry)
    assert model_admin.get_actions(request) == {}
    assert set(model_admin.get_readonly_fields(request, entry)) >= {"summary", "hash", "prev_hash"}


@pytest.mark.django_db
def test_the_changelist_renders_only_visible_entries(model_admin: AuditEntryAdmin, record: Any, make_user: Any,
                                                     audit_regions: dict[str, Any]) -> None:
    record("e.zhenjiang", region_code="440204")
    record("e.dongqu", region_code="510402")
    viewer = make_user("reviewer", Role.COUNTY_REVIEWER, region=audit_regions["zhenjiang"])
    viewer.is_staff = True
    viewer.save()
    request = RequestFactory().get("/admin/audit/auditentry/", {"action": "e.zhenjiang"})
    request.user = viewer
    assert list(model_admin.get_queryset(request).values_list("action", flat=True)) == ["e.zhenjiang"]

    root = make_user("root", superuser=True)
    root.is_staff = True
    root.save()
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = root
    response = model_admin.changelist_view(request)
    response.render()
    assert response.status_code == 200
    assert "e.zhenjiang" in response.content.decode() and "e.dongqu" in response.content.decode()
