import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError
from jineng.courses import media, services
from jineng.courses.models import Lesson
from jineng.courses.tests.conftest import make_video, stored_files, upload_from


def test_ffprobe_reads_the_duration_of_a_generated_video(two_second_mp4):
    facts = media.probe_video(two_second_mp4)
    assert (facts.seconds, facts.width, facts.height) == (2, 320, 180)
    assert (facts.video_codec, facts.pixel_format, facts.audio_codec) == ("h264", "yuv420p", "aac")
    assert media.probe_video_seconds(two_second_mp4) == 2


def test_the_demo_video_is_a_playable_mp4_of_the_asked_length(tmp_path):
    path = media.generate_demo_video(tmp_path / "demo.mp4", 3, "安全生产：第一课")
    assert media.probe_video_seconds(path) == 3


def test_the_demo_picture_is_a_png(tmp_path):
    path = media.generate_demo_picture(tmp_path / "demo.png", "焊接作业安全防护")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_ffmpeg_names_the_setup_script(monkeypatch, tmp_path):
    monkeypatch.setattr(media, "FFMPEG", "/nonexistent/ffmpeg-missing")
    with pytest.raises(media.MediaToolMissing) as missing:
        media.generate_demo_video(tmp_path / "x.mp4", 1, "")
    assert "scripts/setup.sh" in str(missing.value)


@pytest.mark.django_db
def test_an_uploaded_mp4_becomes_a_video_lesson_with_its_duration(module, operator, two_second_mp4, media_root):
    upload = upload_from(two_second_mp4, name="第一课.mp4", content_type="video/mp4")
    lesson = services.lesson_add_video(module=module, title="职业道德：敬业与诚信", upload=upload, actor=operator)
    assert (lesson.kind, lesson.video_seconds, lesson.planned_minutes) == ("video", 2, 1)
    assert lesson.video_info["width"] == 320 and lesson.video_info["video_codec"] == "h264"
    assert lesson.video.name.startswith("videos/") and lesson.video.name.endswith(".mp4")
    assert (media_root / lesson.video.name).read_bytes() == two_second_mp4.read_bytes()
    assert AuditEntry.objects.get(action="course.lesson.add_video").summary["video_seconds"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        pytest.param(lambda tmp: (tmp / "notes.mp4").write_text("这是一个文本文件，不是视频") and tmp / "notes.mp4",
                     "not_mp4", "上传的文件不是 MP4 视频。请导出为 MP4 格式（H.264 编码）后重新上传", id="text-renamed-mp4"),
        pytest.param(lambda tmp: make_video(tmp / "mpeg4.mp4", codec="mpeg4", extra=[]),
                     "not_h264", "视频编码是 mpeg4，手机浏览器无法可靠播放。请导出为 H.264 (AVC) 编码的 MP4 后重新上传",
                     id="mpeg4-part2"),
        pytest.param(lambda tmp: make_video(tmp / "yuv444.mp4", extra=["-pix_fmt", "yuv444p"]),
                     "pixel_format", "视频像素格式是 yuv444p，部分手机无法播放。请以 yuv420p（8 位 4:2:0）重新导出",
                     id="yuv444"),
        pytest.param(lambda tmp: make_video(tmp / "clip.mov", extra=["-pix_fmt", "yuv420p", "-f", "mov"]),
                     "not_mp4", "这是 QuickTime (.mov) 文件，不是 MP4。请用格式工厂或剪映导出为 MP4（H.264）后重新上传",
                     id="quicktime-renamed"),
    ],
)
def test_files_that_are_not_playable_mp4_are_refused(module, operator, media_root, tmp_path, make, code, message):
    path = make(tmp_path)
    with pytest.raises(DomainError) as refused:
        services.lesson_add_video(module=module, title="课件", upload=upload_from(path, name="video.mp4"), actor=operator)
    assert (refused.value.code, refused.value.message, refused.value.field) == (code, message, "video")
    assert not Lesson.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_an_empty_upload_is_refused(module, operator):
    with pytest.raises(DomainError) as refused:
        services.lesson_add_video(module=module, title="课件", upload=SimpleUploadedFile("a.mp4", b""), actor=operator)
    assert refused.value.message == "上传的视频文件是空的"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("", None, id="none"),
        pytest.param("bytes=0-99", (0, 99), id="first-hundred"),
        pytest.param("bytes=900-", (900, 999), id="open-end"),
        pytest.param("bytes=-100", (900, 999), id="suffix"),
        pytest.param("bytes=500-5000", (500, 999), id="end-clamped"),
        pytest.param("bytes=1000-", "unsatisfiable", id="past-the-end"),
        pytest.param("bytes=0-1,5-9", None, id="multi-range-gets-everything"),
        pytest.param("items=0-5", None, id="other-unit"),
    ],
)
def test_range_headers(header, expected):
    assert media._parse_range(header, 1000) == expected
