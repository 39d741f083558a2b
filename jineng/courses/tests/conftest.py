"""Fixtures for the catalogue tests: a provider with its platform operator, a course built by
the real services, the shared SCORM packages (read in place, never copied) and small media."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.courses import services
from jineng.courses.models import Module
from jineng.identity.models import Role

SCORM_FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "scorm"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores uploads in its own MEDIA_ROOT, so "nothing was stored" can be checked."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def upload_from(path: Path, *, name: str | None = None, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=content_type)


def zip_upload(entries: dict[str, bytes], *, name: str = "package.zip", infos: list | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, data in entries.items():
            archive.writestr(entry_name, data)
        for info, data in infos or []:
            archive.writestr(info, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def scorm_path():
    def find(name: str) -> Path:
        path = SCORM_FIXTURES / name
        if not path.exists():
            pytest.fail(f"SCORM fixture {path} is missing (expected the shared fixtures beside the repository)")
        return path

    return find


@pytest.fixture
def provider(regions, make_organization):
    return make_organization(kind="institution", name="晋江市职业技术培训学校")


@pytest.fixture
def operator(make_staff, provider):
    return make_staff(Role.PLATFORM_OPERATOR, organization=provider, username="operator")


@pytest.fixture
def other_operator(regions, make_staff, make_organization):
    return make_staff(Role.PLATFORM_OPERATOR, organization=make_organization(kind="institution", name="别家培训学校"),
                      username="other_operator")


@pytest.fixture
def admin_user(make_staff):
    return make_staff(Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def learner(regions, id_number_factory):
    from jineng.identity.services import learner_register

    return learner_register(name="李小红", id_number=id_number_factory(), phone="13800000001", password="Xuexi@2026!")


@pytest.fixture
def learner_client(learner):
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def occupation(operator):
    return services.occupation_create(code="6-18-02-04", name="焊工", levels=[5, 4, 3, 2, 1], actor=operator)


@pytest.fixture
def course(provider, operator, occupation):
    return services.course_create(provider=provider, occupation=occupation, level=5, title="焊工（初级）线上理论培训",
                                  summary="职业道德、安全生产和焊接基础", actor=operator)


@pytest.fixture
def module(course, operator):
    return services.module_add(course=course, title="安全生产", category=Module.Category.PUBLIC, planned_minutes=45,
                               actor=operator)


@pytest.fixture
def document_lesson(module, operator):
    return services.lesson_add_document(module=module, title="焊接作业安全须知", body_html="<p>穿戴防护用品。</p>",
                                        planned_minutes=45, actor=operator)


@pytest.fixture
def published_course(course, document_lesson, operator):
    return services.course_publish(course=course, actor=operator)


def make_video(path: Path, *, seconds: int = 2, codec: str = "libx264", extra: list[str] | None = None) -> Path:
    subprocess.run(
        ["/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x180:rate=25",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", codec, *(extra or ["-pix_fmt", "yuv420p"]), "-c:a", "aac", "-shortest", str(path)],
        check=True, capture_output=True, timeout=120,
    )
    return path


@pytest.fixture(scope="session")
def two_second_mp4(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "two-seconds.mp4")
