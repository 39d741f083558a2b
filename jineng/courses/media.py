"""Video and picture files: probing uploads with ffprobe, generating demo media with ffmpeg,
and serving a stored file with HTTP Range support (phones seek by asking for byte ranges).

No Django models here; services call these functions and turn their findings into domain errors.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

FFMPEG = "/usr/bin/ffmpeg"
FFPROBE = "/usr/bin/ffprobe"
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PROBE_TIMEOUT_SECONDS = 60
GENERATE_TIMEOUT_SECONDS = 300

# Browsers on phones play H.264 in 8-bit 4:2:0 reliably; other pixel formats play on some only.
PLAYABLE_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
PLAYABLE_AUDIO_CODECS = {"aac", "mp3"}
# ISO base-media "major brands" of MP4 files; "qt  " is a QuickTime .mov, which is not MP4.
MP4_BRANDS = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "M4V ", "M4VH", "M4VP", "f4v ",
              "mmp4", "msnv", "3gp4", "3gp5", "3gp6", "3g2a"}


class MediaToolMissing(RuntimeError):
    """ffmpeg/ffprobe is not installed on this machine."""

    def __init__(self, tool: str):
        super().__init__(
            f"找不到 {tool}：请运行 scripts/setup.sh 安装 Debian 的 ffmpeg 软件包 "
            f"({tool} is missing: run scripts/setup.sh, which installs Debian's ffmpeg)"
        )
        self.tool = tool


class NotPlayableVideo(ValueError):
    """The file is not an MP4 with H.264 video that a phone browser can play; ``code`` and the
    Chinese message say why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VideoFacts:
    seconds: int
    width: int
    height: int
    video_codec: str
    pixel_format: str
    audio_codec: str | None
    brand: str
    size_bytes: int
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"seconds": self.seconds, "width": self.width, "height": self.height, "video_codec": self.video_codec,
                "pixel_format": self.pixel_format, "audio_codec": self.audio_codec, "brand": self.brand,
                "size_bytes": self.size_bytes}


def _tool(path: str) -> str:
    found = path if os.access(path, os.X_OK) else shutil.which(Path(path).name)
    if not found:
        raise MediaToolMissing(Path(path).name)
    return found


def _mp4_brand(path: Path) -> str | None:
    """The major brand of the leading ``ftyp`` box, or None when the file does not start like an MP4."""
    with open(path, "rb") as handle:
        head = handle.read(12)
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    return head[8:12].decode("latin-1")


def probe_video(path: str | os.PathLike) -> VideoFacts:
    """Read an uploaded video with ffprobe and insist that it is what the player needs: an MP4
    container (ftyp box, not QuickTime) with one H.264 video stream in yuv420p, AAC/MP3 audio or
    none, and a positive duration. Raises ``NotPlayableVideo`` with a message in Chinese."""
    path = Path(path)
    brand = _mp4_brand(path)
    if brand is None or brand not in MP4_BRANDS:
        if brand == "qt  ":
            raise NotPlayableVideo("not_mp4", "这是 QuickTime (.mov) 文件，不是 MP4。请用格式工厂或剪映导出为 MP4（H.264）后重新上传")
        raise NotPlayableVideo("not_mp4", "上传的文件不是 MP4 视频。请导出为 MP4 格式（H.264 编码）后重新上传")
    try:
        completed = subprocess.run(  # noqa: S603 - fixed executable, the path is ours
            [_tool(FFPROBE), "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        raise NotPlayableVideo("video_unreadable", "读取视频超时，文件可能已损坏，请重新导出后上传") from None
    if completed.returncode != 0:
        raise NotPlayableVideo("video_unreadable", "无法读取该视频，文件可能不完整或已损坏，请重新导出后上传")
    try:
        info = json.loads(completed.stdout or b"{}")
    except ValueError:
        raise NotPlayableVideo("video_unreadable", "无法读取该视频，请重新导出后上传") from None
    format_name = (info.get("format") or {}).get("format_name", "")
    if "mp4" not in format_name.split(","):
        raise NotPlayableVideo("not_mp4", "上传的文件不是 MP4 视频。请导出为 MP4 格式（H.264 编码）后重新上传")
    streams = info.get("streams") or []
    videos = [s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if not videos:
        raise NotPlayableVideo("no_video_stream", "该 MP4 文件里没有视频画面（可能只有声音），请上传视频文件")
    video = videos[0]
    if video.get("codec_name") != "h264":
        codec = video.get("codec_name") or "未知"
        raise NotPlayableVideo(
            "not_h264", f"视频编码是 {codec}，手机浏览器无法可靠播放。请导出为 H.264 (AVC) 编码的 MP4 后重新上传")
    pixel_format = video.get("pix_fmt") or ""
    if pixel_format not in PLAYABLE_PIXEL_FORMATS:
        raise NotPlayableVideo(
            "pixel_format", f"视频像素格式是 {pixel_format or '未知'}，部分手机无法播放。请以 yuv420p（8 位 4:2:0）重新导出")
    audio_codec = audios[0].get("codec_name") if audios else None
    if audio_codec is not None and audio_codec not in PLAYABLE_AUDIO_CODECS:
        raise NotPlayableVideo("audio_codec", f"音频编码是 {audio_codec}，浏览器无法播放。请以 AAC 音频重新导出")
    try:
        duration = float((info.get("format") or {}).get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    if not math.isfinite(duration) or duration <= 0:
        raise NotPlayableVideo("no_duration", "读不出视频时长，文件可能不完整，请重新导出后上传")
    return VideoFacts(
        seconds=max(1, round(duration)), width=int(video.get("width") or 0), height=int(video.get("height") or 0),
        video_codec="h264", pixel_format=pixel_format, audio_codec=audio_codec, brand=brand.strip(),
        size_bytes=path.stat().st_size,
    )


def probe_video_seconds(path: str | os.PathLike) -> int:
    """The duration of a playable MP4 in whole seconds (rounded); see ``probe_video``."""
    return probe_video(path).seconds


def _drawtext(title: str, text_file: Path, *, y: str, size: int) -> str:
    text_file.write_text(title, encoding="utf-8")
    return (f"drawtext=fontfile={CJK_FONT}:textfile={text_file}:fontsize={size}:fontcolor=white:"
            f"box=1:boxcolor=black@0.6:boxborderw=12:x=(w-text_w)/2:y={y}")


def _can_draw_text() -> bool:
    return os.path.exists(CJK_FONT)


def generate_demo_video(path: str | os.PathLike, seconds: int, title: str = "") -> Path:
    """Make a test-pattern MP4 (H.264 yuv420p + AAC, 640×360, faststart) of ``seconds`` seconds,
    with ``title`` burned in when the CJK font is installed. Never downloads anything."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jineng-ffmpeg-") as tmp:
        filters = []
        if title and _can_draw_text():
            filters = ["-vf", _drawtext(title, Path(tmp) / "title.txt", y="h-90", size=34)]
        command = [
            _tool(FFMPEG), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=duration={int(seconds)}:size=640x360:rate=25",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={int(seconds)}",
            *filters,
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
            "-shortest", "-movflags", "+faststart", str(path),
        ]
        completed = subprocess.run(command, capture_output=True, timeout=GENERATE_TIMEOUT_SECONDS, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise RuntimeError(f"ffmpeg 生成演示视频失败：{completed.stderr.decode(errors='replace')[-500:]}")
    return path


def generate_demo_picture(path: str | os.PathLike, title: str = "", *, width: int = 640, height: int = 360) -> Path:
    """Make a PNG picture (a colour test pattern with ``title`` on it when the CJK font exists)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jineng-ffmpeg-") as tmp:
        filters = []
        if title and _can_draw_text():
            filters = ["-vf", _drawtext(title, Path(tmp) / "title.txt", y="(h-text_h)/2", size=40)]
        command = [_tool(FFMPEG), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                   "-i", f"smptehdbars=size={width}x{height}", *filters, "-frames:v", "1", str(path)]
        completed = subprocess.run(command, capture_output=True, timeout=GENERATE_TIMEOUT_SECONDS, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise RuntimeError(f"ffmpeg 生成演示图片失败：{completed.stderr.decode(errors='replace')[-500:]}")
    return path


# --- serving ------------------------------------------------------------------------------------

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(start, end) inclusive for a single satisfiable range; None to send the whole file;
    "unsatisfiable" for a range beyond the end. Multi-range requests get the whole file."""
    match = _RANGE.match(header.strip()) if header else None
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _iterate(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(request: HttpRequest, field_file, *, content_type: str) -> HttpResponse:
    """Serve a stored file, honouring a single ``Range: bytes=…`` request with 206 Partial
    Content (what a phone's video player sends when the learner seeks)."""
    size = field_file.size
    byte_range = _parse_range(request.headers.get("Range", ""), size)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    handle = field_file.open("rb")
    if byte_range is None:
        start, end, status = 0, size - 1, 200
    else:
        start, end = byte_range  # type: ignore[misc]
        status = 206
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(_iterate(handle, start, length), status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "private, max-age=3600"
    return response
