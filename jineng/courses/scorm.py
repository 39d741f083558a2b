"""SCORM 1.2 / 2004 content packages: check the .zip, read ``imsmanifest.xml``, unpack safely.

A package is untrusted input. Before anything is written it must be a real zip with no
absolute paths, no ``..``, no links, no encryption, within the size and file-count limits,
with ``imsmanifest.xml`` at its root that parses (with defusedxml: no DTDs, no entities) and
names a launch file that the archive holds. Extraction then streams each member, counting the
bytes actually written, so a lying header cannot inflate it past the limits.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from jineng.common.errors import DomainError

MAX_ARCHIVE_BYTES = 500 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_FILES = 5000
MAX_RATIO = 200  # a member that expands more than 200× is treated as a zip bomb
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
MANIFEST = "imsmanifest.xml"
FIELD = "package"


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, field=FIELD)


@dataclass
class Member:
    info: zipfile.ZipInfo
    path: str  # normalised relative POSIX path


@dataclass
class ManifestSummary:
    version: str  # "1.2" or "2004"
    schemaversion: str
    identifier: str
    title: str
    launch_path: str
    launch_parameters: str
    items: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"version": self.version, "schemaversion": self.schemaversion, "identifier": self.identifier,
                "title": self.title, "launch_path": self.launch_path, "launch_parameters": self.launch_parameters,
                "items": self.items}


@dataclass
class CheckedPackage:
    members: list[Member]
    manifest: ManifestSummary
    total_bytes: int

    @property
    def file_count(self) -> int:
        return sum(1 for m in self.members if not m.info.is_dir())


def _member_name(info: zipfile.ZipInfo) -> str:
    """Names without the UTF-8 flag are CP437 to Python; Chinese Windows zips are really GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for encoding in ("utf-8", "gbk"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


def _safe_path(name: str) -> str:
    """A relative POSIX path inside the package, or a refusal naming the entry."""
    shown = name[:120]
    if "\x00" in name:
        raise _refuse("unsafe_path", f"压缩包内的文件名含有非法字符：{shown!r}。请重新打包后上传")
    candidate = name.replace("\\", "/")
    if candidate.startswith("/") or (len(candidate) > 1 and candidate[1] == ":"):
        raise _refuse("unsafe_path", f"压缩包内含有绝对路径“{shown}”，可能会写到服务器任意位置，已拒绝。请只打包课件文件夹里的内容")
    parts = [p for p in candidate.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise _refuse("unsafe_path", f"压缩包内的路径“{shown}”含有“..”，会跳出课件目录，已拒绝。请检查打包工具后重新打包")
    if not parts:
        raise _refuse("unsafe_path", f"压缩包内有无效的文件名：{shown!r}")
    return "/".join(parts) + ("/" if candidate.endswith("/") else "")


def open_archive(upload) -> zipfile.ZipFile:
    """A ``ZipFile`` over the upload, after checking that it really is one and is not too big."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if not size:
        raise _refuse("file_empty", "上传的文件是空的，请选择 SCORM 课件包（.zip）")
    if size > MAX_ARCHIVE_BYTES:
        raise _refuse("package_too_large", f"课件包不能超过 {MAX_ARCHIVE_BYTES // 1024 // 1024} MB，请压缩视频或拆分课件")
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise _refuse("not_zip", "上传的文件不是 zip 压缩包。SCORM 课件须以 .zip 格式上传（不支持 rar、7z）")
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _refuse("not_zip", "无法打开该 zip 压缩包，文件可能不完整或已损坏，请重新打包后上传") from None


def check_members(archive: zipfile.ZipFile) -> tuple[list[Member], int]:
    infos = archive.infolist()
    files = [i for i in infos if not i.is_dir()]
    if len(files) > MAX_FILES:
        raise _refuse("too_many_files", f"课件包内有 {len(files)} 个文件，超过上限 {MAX_FILES} 个，请精简后重新打包")
    members: list[Member] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        path = _safe_path(_member_name(info))
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse("unsafe_path", f"压缩包内的“{path}”是符号链接，已拒绝。请打包真实文件")
        if info.flag_bits & 0x1:
            raise _refuse("encrypted_zip", "课件包设置了密码（加密），无法解压。请去掉密码后重新打包")
        key = path.rstrip("/")
        if key in seen and not info.is_dir():
            raise _refuse("duplicate_entry", f"压缩包内有重复的文件“{path}”，请重新打包")
        seen.add(key)
        if not info.is_dir():
            total += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse("zip_bomb", f"压缩包内的“{path}”压缩比异常（疑似压缩炸弹），已拒绝")
            if total > MAX_UNCOMPRESSED_BYTES:
                raise _refuse("package_too_large",
                              f"课件包解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB 上限，请压缩视频或拆分课件")
        members.append(Member(info=info, path=path))
    return members, total


# --- manifest -----------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _attr(element, name: str) -> str:
    """An attribute by local name, whatever its namespace (``adlcp:scormtype`` / ``adlcp:scormType``)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if _local(key).lower() == wanted:
            return value
    return ""


def _version(root, schemaversion: str) -> str:
    text = schemaversion.lower()
    if text.startswith("1.2"):
        return "1.2"
    if "2004" in text or text.startswith("cam 1.3") or text == "1.3":
        return "2004"
    namespaces = set()
    for element in root.iter():
        namespaces.add(_namespace(element.tag))
        namespaces.update(_namespace(key) for key in element.attrib)
    joined = " ".join(namespaces).lower()
    if "adlcp_v1p3" in joined or "imsss" in joined or "adlseq" in joined or "adlnav" in joined:
        return "2004"
    if "adlcp_rootv1p2" in joined or "imscp_rootv1p1p2" in joined:
        return "1.2"
    raise _refuse("unknown_scorm_version",
                  "无法识别课件的 SCORM 版本（清单里没有 schemaversion，也没有 SCORM 命名空间）。请用支持 SCORM 1.2 或 2004 的工具重新导出")


def _walk_items(element, depth: int = 0):
    for item in _children(element, "item"):
        yield item, depth
        yield from _walk_items(item, depth + 1)


def _join_base(*parts: str) -> str:
    path = ""
    for part in parts:
        if part:
            path = posixpath.join(path, part) if path else part
    return path


def parse_manifest(data: bytes) -> ManifestSummary:
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException:
        raise _refuse("manifest_unsafe", "imsmanifest.xml 含有 DTD 或实体声明，出于安全原因不予处理。请用标准工具重新导出课件") from None
    except ElementTree.ParseError as exc:
        raise _refuse("manifest_invalid", f"imsmanifest.xml 不是有效的 XML（{exc}），请用课件制作工具重新导出") from None
    if _local(root.tag) != "manifest":
        raise _refuse("manifest_invalid", "imsmanifest.xml 的根元素不是 <manifest>，这不是 SCORM 课件包")
    metadata = _child(root, "metadata")
    schemaversion = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    version = _version(root, schemaversion)

    resources_element = _child(root, "resources")
    resources_base = _attr(resources_element, "base") if resources_element is not None else ""
    resources: dict[str, dict] = {}
    ordered_resources: list[dict] = []
    for resource in _children(resources_element, "resource") if resources_element is not None else []:
        href = resource.get("href", "")
        entry = {
            "identifier": resource.get("identifier", ""),
            "href": _join_base(resources_base, _attr(resource, "base"), href) if href else "",
            "scorm_type": _attr(resource, "scormtype").lower(),
        }
        resources[entry["identifier"]] = entry
        ordered_resources.append(entry)

    organizations = _child(root, "organizations")
    organization = None
    if organizations is not None:
        default = organizations.get("default", "")
        candidates = _children(organizations, "organization")
        organization = next((o for o in candidates if o.get("identifier") == default), None) or (
            candidates[0] if candidates else None)
    title = _text(_child(organization, "title")) if organization is not None else ""

    items: list[dict] = []
    launchable: list[tuple[dict, str]] = []
    if organization is not None:
        for item, depth in _walk_items(organization):
            resource = resources.get(item.get("identifierref", ""))
            parameters = item.get("parameters", "")
            if len(items) < 300:
                items.append({"identifier": item.get("identifier", ""), "title": _text(_child(item, "title")),
                              "depth": depth, "href": resource["href"] if resource else "",
                              "scorm_type": resource["scorm_type"] if resource else "", "parameters": parameters})
            if resource and resource["href"]:
                launchable.append((resource, parameters))
    if not launchable:
        launchable = [(r, "") for r in ordered_resources if r["href"]]
    if not launchable:
        raise _refuse("no_launch_file", "imsmanifest.xml 里没有可启动的课件资源（resource 缺少 href）。请用课件制作工具重新导出")
    resource, parameters = next(((r, p) for r, p in launchable if r["scorm_type"] == "sco"), launchable[0])
    href, _, query = resource["href"].partition("?")
    if query:
        parameters = "?" + query + ("&" + parameters.lstrip("?&") if parameters else "")
    return ManifestSummary(
        version=version, schemaversion=schemaversion, identifier=root.get("identifier", ""),
        title=title or root.get("identifier", "") or "未命名课件", launch_path=href, launch_parameters=parameters,
        items=items,
    )


def check_package(upload) -> CheckedPackage:
    """Everything that can be checked before a byte is written; raises ``DomainError`` (field
    ``package``) with a message that says what to fix."""
    archive = open_archive(upload)
    with archive:
        members, total = check_members(archive)
        by_path = {m.path: m for m in members if not m.info.is_dir()}
        manifest_member = by_path.get(MANIFEST)
        if manifest_member is None:
            nested = sorted(p for p in by_path if PurePosixPath(p).name.lower() == MANIFEST)
            if nested:
                folder = nested[0].rsplit("/", 1)[0]
                raise _refuse("manifest_missing",
                              f"imsmanifest.xml 不在压缩包根目录，而在“{folder}/”里。请打开该文件夹，全选其中的文件后再压缩上传")
            raise _refuse("manifest_missing", "压缩包里没有 imsmanifest.xml，这不是 SCORM 课件包。请从课件制作工具导出 SCORM 1.2 或 2004 格式")
        if manifest_member.info.file_size > MAX_MANIFEST_BYTES:
            raise _refuse("manifest_invalid", "imsmanifest.xml 过大，无法处理")
        data = archive.read(manifest_member.info)
        summary = parse_manifest(data)
        launch = posixpath.normpath(summary.launch_path) if summary.launch_path else ""
        try:
            launch = _safe_path(launch)
        except DomainError:
            raise _refuse("no_launch_file", f"清单中的启动文件“{summary.launch_path}”路径不安全，已拒绝") from None
        if launch not in by_path:
            raise _refuse("launch_file_missing",
                          f"清单中的启动文件“{summary.launch_path}”不在压缩包里。请检查课件是否完整导出")
        summary.launch_path = launch
    return CheckedPackage(members=members, manifest=summary, total_bytes=total)


def extract_package(upload, checked: CheckedPackage, destination: Path) -> None:
    """Unpack the checked members under ``destination`` (which must not exist yet), counting the
    bytes really written. On any failure the destination is removed again."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=False)
    root = destination.resolve()
    written = 0
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            for member in checked.members:
                target = (root / member.path).resolve()
                if target != root and root not in target.parents:
                    raise _refuse("unsafe_path", f"压缩包内的路径“{member.path}”会跳出课件目录，已拒绝")
                if member.info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                member_written = 0
                with archive.open(member.info) as source, open(target, "xb") as sink:
                    while True:
                        chunk = source.read(64 * 1024)
                        if not chunk:
                            break
                        member_written += len(chunk)
                        written += len(chunk)
                        if member_written > member.info.file_size or written > MAX_UNCOMPRESSED_BYTES:
                            raise _refuse("zip_bomb", f"压缩包内的“{member.path}”解压后比声明的大，疑似压缩炸弹，已拒绝")
                        sink.write(chunk)
    except zipfile.BadZipFile:
        shutil.rmtree(destination, ignore_errors=True)
        raise _refuse("not_zip", "解压时发现压缩包已损坏，请重新打包后上传") from None
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
