import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jineng.common.errors import DomainError
from jineng.courses import services
from jineng.courses.models import LessonImage
from jineng.courses.tests.conftest import stored_files


def png(width=40, height=20, colour=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("图片.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        pytest.param("<p>安全第一</p><script>alert(1)</script>", "<p>安全第一</p>", id="script-removed"),
        pytest.param('<p onclick="steal()">点我</p>', "<p>点我</p>", id="event-handler-removed"),
        pytest.param('<p style="position:fixed">样式</p>', "<p>样式</p>", id="style-attribute-removed"),
        pytest.param("<style>body{display:none}</style><p>正文</p>", "<p>正文</p>", id="style-element-removed"),
        pytest.param('<img src="https://evil.example/track.png"><p>外站图片</p>', "<img><p>外站图片</p>",
                     id="foreign-image-source-removed"),
        pytest.param('<img src="/courses/images/12/" alt="图">', '<img src="/courses/images/12/" alt="图">',
                     id="own-image-kept"),
        pytest.param('<a href="javascript:alert(1)">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>',
                     id="javascript-link-removed"),
        pytest.param('<a href="https://www.mohrss.gov.cn/">人社部</a>',
                     '<a href="https://www.mohrss.gov.cn/" rel="noopener noreferrer nofollow">人社部</a>', id="https-link-kept"),
        pytest.param('<iframe src="https://evil.example"></iframe><p>框架</p>', "<p>框架</p>", id="iframe-removed"),
        pytest.param("<table><tr><td colspan=\"2\">表格</td></tr></table>",
                     '<table><tbody><tr><td colspan="2">表格</td></tr></tbody></table>', id="table-kept"),
    ],
)
def test_body_html_is_sanitised(given, kept):
    assert services.sanitize_body_html(given) == kept


@pytest.mark.django_db
def test_a_document_lesson_is_saved_sanitised(module, operator):
    lesson = services.lesson_add_document(module=module, title="安全须知",
                                          body_html="<h2>安全须知</h2><p>戴好面罩</p><script>document.cookie</script>",
                                          planned_minutes=20, actor=operator)
    lesson.refresh_from_db()
    assert lesson.body_html == "<h2>安全须知</h2><p>戴好面罩</p>"


@pytest.mark.django_db
def test_plain_text_becomes_paragraphs_and_pictures_go_where_marked(module, operator, media_root):
    lesson = services.lesson_add_document(
        module=module, title="协助进食", planned_minutes=30, actor=operator,
        body_html="第一段\n第二行 <不是标签\n\n[图1]\n\n最后一段",
        images=[(png(), "进食体位"), png(10, 10)],
    )
    first, second = LessonImage.objects.order_by("pk")
    assert lesson.body_html == (
        "<p>第一段<br>第二行 &lt;不是标签</p>"
        f'<figure><img src="/courses/images/{first.pk}/" alt="进食体位" width="40" height="20">'
        "<figcaption>进食体位</figcaption></figure>"
        "<p>最后一段</p>"
        f'<figure><img src="/courses/images/{second.pk}/" alt="图2" width="10" height="10"></figure>'
    )
    assert (first.lesson, first.course, first.content_type, first.caption) == (lesson, module.course, "image/png", "进食体位")
    assert len(stored_files(media_root)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "code"),
    [
        pytest.param(SimpleUploadedFile("x.png", b"GIF89a not allowed"), "image_type_not_allowed", id="gif"),
        pytest.param(SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"broken"), "image_unreadable", id="broken-png"),
        pytest.param(SimpleUploadedFile("x.jpg", b"<html>not an image</html>"), "image_type_not_allowed", id="html"),
    ],
)
def test_pictures_must_really_be_png_or_jpeg(module, operator, media_root, upload, code):
    with pytest.raises(DomainError) as refused:
        services.lesson_add_document(module=module, title="图文", body_html="正文", planned_minutes=10, actor=operator,
                                     images=[upload])
    assert (refused.value.code, refused.value.field) == (code, "image1")
    assert not LessonImage.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_an_empty_document_is_refused(module, operator):
    with pytest.raises(DomainError) as refused:
        services.lesson_add_document(module=module, title="图文", body_html="  ", planned_minutes=10, actor=operator)
    assert refused.value.message == "请填写图文内容或上传图片"
