"""Demo 答疑 on the welding course, through the real services: two answered questions (one with
a follow-up and a second answer, one the learner marked resolved) and one still waiting. Running
it again finds the questions by asker, course and title and adds nothing twice."""

from __future__ import annotations

from jineng.question_threads import selectors, services
from jineng.question_threads.models import QuestionThread

# (learner index, lesson title contains, title, question, [(who, text)…], resolved)
THREADS = [
    (0, "焊条", "焊条使用前为什么一定要烘干？",
     "视频里说焊条要先烘干再用。我们车间的焊条放在仓库里没有受潮，也需要烘干吗？",
     [("teacher", "需要。焊条药皮会吸收空气中的水分，肉眼看不出来。水分在电弧中分解出氢，会造成气孔和氢致裂纹。"
                  "碱性焊条一般 350℃ 烘 1 小时，随用随取，放在保温筒里。")],
     True),
    (1, "", "焊接面罩的滤光片号怎么选？",
     "车间里有 9 号和 11 号两种滤光片，手工电弧焊应该用哪一种？",
     [("teacher", "按焊接电流选：电流 100–200A 一般用 10–11 号，100A 以下可用 9 号。看不清熔池时先检查镜片是否脏污，"
                  "不要随意换浅色号。"),
      ("learner", "我们平时用 160A 左右，那就是 11 号对吧？"),
      ("teacher", "对，160A 用 11 号合适。")],
     False),
    (2, "", "在容器里面焊接，外面要几个人监护？",
     "课程里说受限空间作业要有专人监护，是一个人就够了吗？监护人可以同时干别的活吗？",
     [],
     False),
]


def load_demo(*, course, teacher, learners: list, stdout=None) -> list[QuestionThread]:
    """``course``: a published course the ``learners`` (at least three) are enrolled in;
    ``teacher``: a platform operator of its provider (or a system administrator)."""
    say = stdout or (lambda _message: None)
    lessons = selectors.lessons_of_course(course=course)
    threads: list[QuestionThread] = []
    for index, lesson_hint, title, body, replies, resolved in THREADS:
        asker = learners[index]
        thread = QuestionThread.objects.filter(asker=asker, course=course, title=title).first()
        if thread is not None:
            threads.append(thread)
            continue
        lesson = next((lesson for lesson in lessons if lesson_hint and lesson_hint in lesson.title), None)
        thread = services.question_thread_ask(course=course, title=title, body=body, lesson=lesson, actor=asker).thread
        for who, text in replies:
            if who == "teacher":
                services.question_thread_answer(thread=thread, body=text, actor=teacher)
            else:
                services.question_thread_follow_up(thread=thread, body=text, actor=asker)
        if resolved:
            services.question_thread_resolve(thread=thread, actor=asker)
        threads.append(thread)
    say(f"答疑：{course.title} 有 {len(threads)} 个演示问题（其中 1 个待回复）")
    return threads
