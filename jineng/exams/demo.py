"""Demo question bank, lesson exercise and final assessment for a welding course, built through the
real services (so everything is checked and audited like an author's). Running it again finds
the final assessment and adds nothing twice.

The questions paraphrase the safety rules every 焊工 (6-18-02-04) course teaches: personal
protection, fire prevention, electrical safety, and the safety-production policy of
《中华人民共和国安全生产法》 (安全第一、预防为主、综合治理).
"""

from __future__ import annotations

from jineng.courses.models import Course
from jineng.exams import selectors, services
from jineng.exams.models import Exam

# (kind, stem, options, answer, explanation, module index: 0 first module, 1 second, None none)
QUESTIONS = [
    ("single", "焊接作业时，保护眼睛和面部免受弧光伤害应使用", ["普通墨镜", "焊接面罩", "安全帽", "口罩"], "B",
     "电弧光含强烈紫外线和红外线，必须使用带滤光片的焊接面罩。", 0),
    ("single", "焊接作业点周围多少米内不得存放易燃易爆物品", ["1 米", "3 米", "5 米", "10 米"], "D",
     "动火作业规定：作业点 10 米范围内应清除可燃物。", 0),
    ("single", "在容器内部进行焊接作业时，下列做法正确的是", ["关闭通风以保持温度", "外面有专人监护", "独自作业更专注",
                                                         "使用 220V 行灯照明"], "B",
     "受限空间作业必须通风，并有专人在外监护。", 0),
    ("single", "电焊机外壳必须", ["涂绝缘漆", "可靠接地", "放在潮湿处散热", "用布包裹"], "B",
     "外壳接地可防止漏电时人员触电。", 0),
    ("single", "发现有人触电，首先应", ["用手把人拉开", "切断电源", "打电话报告领导", "泼水降温"], "B",
     "先切断电源，或用绝缘物使触电者脱离电源，再施救。", 0),
    ("single", "焊接完成后离开作业现场前，应", ["立即离开", "检查并确认无火种", "把焊机开着备用", "把焊条留在焊钳上"], "B",
     "离开前应切断电源并检查现场，确认无遗留火种。", 0),
    ("single", "焊条在使用前通常需要", ["浸水", "烘干", "冷冻", "涂油"], "B",
     "受潮的焊条会产生气孔和氢致裂纹，使用前按规定烘干。", 1),
    ("single", "焊条电弧焊的电弧是在哪两者之间燃烧的", ["焊条与焊件", "焊钳与地线", "焊件与工作台", "焊条与焊钳"], "A",
     "电弧在焊条端部与焊件之间燃烧，熔化焊条和母材形成焊缝。", 1),
    ("single", "焊缝中出现气孔的常见原因是", ["电流过小且焊条干燥", "焊条受潮或坡口有油污", "焊速过慢", "母材过厚"], "B",
     "水分和油污分解出的气体来不及逸出，形成气孔。", 1),
    ("single", "焊接时产生的烟尘主要危害人体的", ["皮肤", "呼吸系统", "听力", "视力"], "B",
     "长期吸入焊接烟尘可引起焊工尘肺，应加强通风并佩戴防尘口罩。", 0),
    ("single", "在高处进行焊接作业，必须", ["穿拖鞋", "系好安全带", "把工具放在脚边", "无需防护"], "B",
     "高处作业必须系安全带，并防止火花和焊渣落下伤人或引燃可燃物。", 0),
    ("single", "《中华人民共和国安全生产法》规定，从业人员发现事故隐患应当", ["自行处理不必报告", "立即报告",
                                                                      "等下班再说", "告诉同事即可"], "B",
     "从业人员发现事故隐患或者其他不安全因素，应当立即向现场安全生产管理人员或者本单位负责人报告。", 0),
    ("multiple", "焊工作业时应穿戴的个人防护用品有", ["焊接面罩", "阻燃工作服", "绝缘手套", "化纤衬衫"], "ABC",
     "化纤衣物遇火花易熔化粘附皮肤，不能穿着。", 0),
    ("multiple", "下列属于焊接作业危险有害因素的有", ["触电", "火灾爆炸", "弧光辐射", "烟尘和有毒气体"], "ABCD",
     "焊接作业同时存在电、火、光、尘、毒等多种危害。", 0),
    ("multiple", "防止焊接触电的措施有", ["焊机外壳接地", "使用绝缘良好的电缆", "潮湿环境穿绝缘鞋", "用铁丝代替保险丝"],
     "ABC", "用铁丝代替保险丝会使保护失效，是违章行为。", 0),
    ("multiple", "焊缝常见的外观缺陷有", ["咬边", "焊瘤", "弧坑", "焊缝余高适中"], "ABC",
     "余高适中是合格焊缝的特征，不是缺陷。", 1),
    ("multiple", "动火作业前应做好的准备有", ["办理动火作业许可", "清除周围可燃物", "配备灭火器材", "关闭现场照明"], "ABC",
     "动火前须审批、清理、配备灭火器材，并安排监护。", 0),
    ("true_false", "焊接刚结束的焊件温度很高，不能直接用手触摸。", [], "对", "焊件冷却前可达数百摄氏度，会造成烫伤。", 0),
    ("true_false", "只要戴了普通墨镜，就可以直视焊接电弧。", [], "错", "普通墨镜不能过滤强烈的紫外线，会导致电光性眼炎。", 0),
    ("true_false", "装过油料的容器，未经清洗置换就可以直接焊补。", [], "错",
     "残留油气遇高温会爆炸，必须清洗、置换并检测合格后才能焊补。", 0),
    ("true_false", "焊机电缆破损后可以用普通胶布简单包扎继续使用。", [], "错", "应由电工用绝缘材料规范修复或更换电缆。", 0),
    ("true_false", "焊接作业场所应保持良好通风。", [], "对", "通风可降低烟尘和有毒气体浓度。", 0),
    ("true_false", "焊条电弧焊时，焊接电流越大越好。", [], "错", "电流过大易产生咬边、烧穿和飞溅，应按焊条直径选择。", 1),
    ("fill", "我国安全生产工作的方针是：安全第一、____、综合治理。", [], "预防为主",
     "见《中华人民共和国安全生产法》第三条。", 0),
    ("fill", "1 学时为____分钟。", [], "45|四十五", "攀人社发〔2020〕33号：1 学时 = 45 分钟教学时长。", None),
    ("fill", "电焊工作业必须持有的证书是特种作业____证。", [], "操作|操作证", "焊接与热切割作业属于特种作业，须持证上岗。", 0),
]

FINAL_TITLE = "焊工（初级）结业考核"


def exams_load_demo(*, course: Course, author, stdout=None) -> Exam:
    """The course's question bank, an exercise after its first lesson, and its published final
    assessment (8 single, 3 multiple, 4 true/false and 2 fill-in questions; 100 points, 60 to pass,
    30 minutes, 3 attempts). Returns the final assessment; does nothing when the course has one."""
    say = stdout or (lambda _message: None)
    existing = selectors.final_assessment_of(course=course)
    if existing is not None:
        return existing
    say(f"建立题库和结业考核：{course.title}")
    modules = list(course.modules.order_by("position", "pk"))
    have = set(selectors.questions_of_course(course=course).values_list("stem", flat=True))
    for kind, stem, options, answer, explanation, module_index in QUESTIONS:
        if stem in have:
            continue
        module = None
        if module_index is not None and modules:
            module = modules[min(module_index, len(modules) - 1)]
        services.question_create(course=course, kind=kind, stem=stem, options=options, answer=answer,
                                 explanation=explanation, module=module, actor=author)
    first_lesson = next((m.lessons.order_by("position", "pk").first() for m in modules if m.lessons.exists()), None)
    if first_lesson is not None and selectors.exercise_for_lesson(lesson=first_lesson) is None:
        ids = list(selectors.questions_of_course(course=course).filter(
            kind__in=["single", "true_false"]).values_list("pk", flat=True)[:5])
        services.exercise_set(lesson=first_lesson, question_ids=ids, actor=author)
    rules = [services.RuleSpec(kind="single", count=8, points=5), services.RuleSpec(kind="multiple", count=3, points=10),
             services.RuleSpec(kind="true_false", count=4, points=5), services.RuleSpec(kind="fill", count=2, points=5)]
    exam = services.exam_create(course=course, title=FINAL_TITLE, is_final=True, time_limit_minutes=30, max_attempts=3,
                                pass_score=60, rules=rules, actor=author,
                                instructions="闭卷、独立完成。每次考试随机抽题，选项顺序随机；考试时间以服务器为准，到时自动交卷。")
    return services.exam_publish(exam=exam, actor=author)
