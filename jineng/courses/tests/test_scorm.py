import stat
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError
from jineng.courses import scorm, services
from jineng.courses.models import Lesson, ScormPackage
from jineng.courses.selectors import scorm_launch_url
from jineng.courses.tests.conftest import stored_files, upload_from, zip_upload

pytestmark = pytest.mark.django_db

MANIFEST_12 = b"""<?xml version="1.0"?>
<manifest identifier="crafted" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Crafted</title>
    <item identifier="i1" identifierref="r1"><title>Page</title></item></organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>"""


@pytest.mark.parametrize(
    ("fixture", "version", "schemaversion", "title", "launch", "files"),
    [
        pytest.param("scorm12.zip", "1.2", "1.2", "Golf Explained - CP One File Per SCO", "Playing/Playing.html", 44,
                     id="scorm-1.2"),
        pytest.param("scorm2004.zip", "2004", "2004 3rd Edition", "Golf Explained - Metadata Example",
                     "shared/launchpage.html", 71, id="scorm-2004-3rd"),
    ],
)
def test_the_real_packages_are_read_unpacked_and_launchable(module, operator, scorm_path, media_root, fixture, version,
                                                            schemaversion, title, launch, files):
    lesson = services.lesson_add_scorm(module=module, upload=upload_from(scorm_path(fixture)), planned_minutes=30,
                                       actor=operator)
    package = lesson.scorm_package
    assert (package.version, package.title, package.launch_path) == (version, title, launch)
    assert (lesson.kind, lesson.title, lesson.planned_minutes) == ("scorm", title, 30)
    assert package.manifest["schemaversion"] == schemaversion
    assert package.manifest["file_count"] == files
    assert package.extracted_dir == f"scorm/{package.pk}"
    extracted = media_root / package.extracted_dir
    assert (extracted / launch).is_file()
    assert (extracted / "imsmanifest.xml").is_file()
    assert sum(1 for p in extracted.rglob("*") if p.is_file()) == files
    assert scorm_launch_url(lesson) == f"/courses/scorm/{package.pk}/content/{launch}"
    entry = AuditEntry.objects.get(action="course.lesson.add_scorm")
    assert entry.summary["version"] == version and entry.summary["launch_path"] == launch
    assert not list(media_root.glob("scorm/.staging-*"))


def test_the_scorm_12_manifest_lists_its_items_in_order(module, operator, scorm_path):
    lesson = services.lesson_add_scorm(module=module, upload=upload_from(scorm_path("scorm12.zip")), planned_minutes=30,
                                       title="高尔夫入门", actor=operator)
    items = lesson.scorm_package.manifest["items"]
    assert lesson.title == "高尔夫入门"
    assert [i["title"] for i in items[:3]] == ["Playing the Game", "How to Play", "Par"]
    assert items[0]["href"] == "" and items[1]["href"] == "Playing/Playing.html"
    assert items[6]["parameters"] == "?questions=Playing"


def _refused(module, operator, upload) -> DomainError:
    with pytest.raises(DomainError) as refused:
        services.lesson_add_scorm(module=module, upload=upload, planned_minutes=30, actor=operator)
    return refused.value


def _nothing_stored(media_root: Path) -> None:
    assert not ScormPackage.objects.exists()
    assert not Lesson.objects.filter(kind="scorm").exists()
    assert not AuditEntry.objects.filter(action="course.lesson.add_scorm").exists()
    assert stored_files(media_root) == []


class GbkZipInfo(zipfile.ZipInfo):
    """Writes its name in GBK without the UTF-8 flag, as Chinese Windows archivers do."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _symlink_info() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("link.html")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("entries", "infos", "code", "message"),
    [
        pytest.param({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "../evil.html": b"<script>"}, None,
                     "unsafe_path", "压缩包内的路径“../evil.html”含有“..”，会跳出课件目录，已拒绝。请检查打包工具后重新打包",
                     id="dot-dot"),
        pytest.param({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "content/../../evil.html": b"x"}, None,
                     "unsafe_path", "压缩包内的路径“content/../../evil.html”含有“..”，会跳出课件目录，已拒绝。请检查打包工具后重新打包",
                     id="nested-dot-dot"),
        pytest.param({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "/etc/cron.d/evil": b"x"}, None,
                     "unsafe_path", "压缩包内含有绝对路径“/etc/cron.d/evil”，可能会写到服务器任意位置，已拒绝。请只打包课件文件夹里的内容",
                     id="absolute"),
        pytest.param({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "..\\evil.html": b"x"}, None,
                     "unsafe_path", "压缩包内的路径“..\\evil.html”含有“..”，会跳出课件目录，已拒绝。请检查打包工具后重新打包",
                     id="backslash-dot-dot"),
        pytest.param({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok"}, [(_symlink_info(), b"/etc/passwd")],
                     "unsafe_path", "压缩包内的“link.html”是符号链接，已拒绝。请打包真实文件", id="symlink"),
        pytest.param({"index.html": b"ok"}, None, "manifest_missing",
                     "压缩包里没有 imsmanifest.xml，这不是 SCORM 课件包。请从课件制作工具导出 SCORM 1.2 或 2004 格式",
                     id="no-manifest"),
        pytest.param({"course/imsmanifest.xml": MANIFEST_12, "course/index.html": b"ok"}, None, "manifest_missing",
                     "imsmanifest.xml 不在压缩包根目录，而在“course/”里。请打开该文件夹，全选其中的文件后再压缩上传",
                     id="manifest-in-a-folder"),
        pytest.param({"imsmanifest.xml": MANIFEST_12}, None, "launch_file_missing",
                     "清单中的启动文件“index.html”不在压缩包里。请检查课件是否完整导出", id="launch-file-missing"),
        pytest.param({"imsmanifest.xml": b"<manifest><unclosed></manifest>"}, None, "manifest_invalid", None,
                     id="broken-xml"),
        pytest.param({"imsmanifest.xml": b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "boom">]><manifest>&x;</manifest>'},
                     None, "manifest_unsafe",
                     "imsmanifest.xml 含有 DTD 或实体声明，出于安全原因不予处理。请用标准工具重新导出课件", id="xml-entities"),
        pytest.param({"imsmanifest.xml": b"<manifest><organizations/><resources>"
                                         b"<resource identifier='r' href='a.html'/></resources></manifest>",
                      "a.html": b"x"}, None, "unknown_scorm_version", None, id="no-version"),
    ],
)
def test_unsafe_or_incomplete_packages_are_refused_and_nothing_is_stored(module, operator, media_root, entries, infos,
                                                                         code, message):
    error = _refused(module, operator, zip_upload(entries, infos=infos))
    assert (error.code, error.field) == (code, "package")
    if message:
        assert error.message == message
    _nothing_stored(media_root)


def test_a_file_that_is_not_a_zip_is_refused(module, operator, media_root):
    error = _refused(module, operator, SimpleUploadedFile("课件.zip", b"Rar!\x1a\x07\x00 not a zip at all"))
    assert (error.code, error.message) == ("not_zip", "上传的文件不是 zip 压缩包。SCORM 课件须以 .zip 格式上传（不支持 rar、7z）")
    _nothing_stored(media_root)


def test_a_truncated_zip_is_refused(module, operator, media_root, scorm_path):
    data = scorm_path("scorm12.zip").read_bytes()[:5000]
    error = _refused(module, operator, SimpleUploadedFile("课件.zip", data))
    assert error.code == "not_zip"
    _nothing_stored(media_root)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(module, operator, media_root):
    bomb = b"\0" * (30 * 1024 * 1024)
    error = _refused(module, operator, zip_upload({"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "big.bin": bomb}))
    assert (error.code, error.message) == ("zip_bomb", "压缩包内的“big.bin”压缩比异常（疑似压缩炸弹），已拒绝")
    _nothing_stored(media_root)


def test_too_many_files_are_refused(module, operator, media_root, monkeypatch):
    monkeypatch.setattr(scorm, "MAX_FILES", 3)
    entries = {"imsmanifest.xml": MANIFEST_12, "index.html": b"ok", "a.js": b"1", "b.js": b"2"}
    error = _refused(module, operator, zip_upload(entries))
    assert error.message == "课件包内有 4 个文件，超过上限 3 个，请精简后重新打包"
    _nothing_stored(media_root)


def test_a_member_larger_than_its_header_says_is_stopped_while_unpacking(tmp_path):
    """The header is a claim; the bytes written are counted."""
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        archive.writestr("index.html", b"x" * 1000)
    with open(path, "rb") as handle:
        checked = scorm.check_package(handle)
        for member in checked.members:
            if member.path == "index.html":
                member.info.file_size = 10  # what a forged central directory would say
        with pytest.raises(DomainError) as refused:
            scorm.extract_package(handle, checked, tmp_path / "out")
    assert refused.value.code in {"zip_bomb", "not_zip"}
    assert not (tmp_path / "out").exists()


def test_a_gbk_named_member_from_a_chinese_windows_zip_keeps_its_name(module, operator, media_root):
    manifest = MANIFEST_12.replace(b'href="index.html">', "href=\"课件/首页.html\">".encode()).replace(
        b'<file href="index.html"/>', "<file href=\"课件/首页.html\"/>".encode())
    info = GbkZipInfo("课件/首页.html")
    lesson = services.lesson_add_scorm(module=module, upload=zip_upload({"imsmanifest.xml": manifest},
                                                                        infos=[(info, b"<p>hi</p>")]),
                                       planned_minutes=20, actor=operator)
    assert lesson.scorm_package.launch_path == "课件/首页.html"
    assert (media_root / lesson.scorm_package.extracted_dir / "课件" / "首页.html").read_bytes() == b"<p>hi</p>"
    assert scorm_launch_url(lesson).endswith("/content/%E8%AF%BE%E4%BB%B6/%E9%A6%96%E9%A1%B5.html")


def test_the_first_sco_wins_over_assets_and_item_parameters_are_kept():
    manifest = b"""<manifest xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
      <metadata><schemaversion>2004 4th Edition</schemaversion></metadata>
      <organizations default="b"><organization identifier="a"><title>Not default</title></organization>
        <organization identifier="b"><title>  Default   org </title>
          <item identifier="x" identifierref="asset"><title>Intro</title></item>
          <item identifier="y" identifierref="sco" parameters="?start=2"><title>Lesson</title></item>
        </organization></organizations>
      <resources xml:base="content/"><resource identifier="asset" adlcp:scormType="asset" href="intro.html"/>
        <resource identifier="sco" adlcp:scormType="sco" href="sco.html?lang=zh"/></resources></manifest>"""
    summary = scorm.parse_manifest(manifest)
    assert (summary.version, summary.title) == ("2004", "Default org")
    assert (summary.launch_path, summary.launch_parameters) == ("content/sco.html", "?lang=zh&start=2")
