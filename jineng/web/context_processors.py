from jineng.identity.models import Role
from jineng.identity.selectors import primary_role

NAV = {
    Role.LEARNER: [("web:home", "我的学习"), ("learning:my_courses", "我的课程"), ("courses:catalogue", "课程目录"),
                   ("learning:my_records", "学习记录"), ("question_threads:index", "答疑"), ("certificates:mine", "我的证书"), ("practicals:mine", "我的实操"),
                   ("claims:list", "补贴申请")],
    Role.TRAINING_ADMIN: [("web:home", "工作台"), ("projects:list", "培训项目"), ("learning:manage_progress", "学习进度"),
                          ("certificates:register", "培训证书"),
                          ("practicals:index", "线下实操"), ("claims:list", "补贴申请"),
                          ("question_threads:queue", "答疑"), ("web:organizations", "本单位"), ("web:people", "职工"),
                          ("platforms:list", "培训平台"), ("policy_calculator", "补贴测算")],
    Role.PLATFORM_OPERATOR: [("web:home", "工作台"), ("courses:manage", "课程管理"), ("question_threads:queue", "答疑"),
                              ("platforms:list", "培训平台"),
                              ("web:organizations", "运营单位")],
    Role.COUNTY_REVIEWER: [("web:home", "审核台"), ("projects:queue", "备案审核"), ("claims:queue", "补贴审核"),
                           ("projects:list", "培训项目"), ("learning:manage_progress", "学习进度"),
                           ("certificates:register", "培训证书"),
                           ("practicals:index", "线下实操"), ("platforms:evaluations", "平台评估"),
                           ("integrity:queue", "风险核查"), ("web:people", "人员"), ("web:organizations", "单位"),
                           ("policy_calculator", "补贴测算")],
    Role.CITY_OFFICER: [("web:home", "总览"), ("projects:queue", "备案审核"), ("claims:queue", "补贴审核"),
                        ("projects:list", "培训项目"), ("learning:manage_progress", "学习进度"),
                        ("practicals:index", "线下实操"), ("practicals:suspensions", "实操暂停"),
                        ("projects:routing", "分派规则"), ("platforms:queue", "平台评估"),
                        ("platforms:filings", "平台备案"), ("integrity:queue", "风险核查"),
                        ("web:people", "人员"), ("web:organizations", "单位")],
    Role.SYSTEM_ADMIN: [("web:home", "总览"), ("projects:list", "培训项目"), ("projects:queue", "备案审核"),
                        ("claims:queue", "补贴审核"), ("projects:routing", "分派规则"),
                        ("learning:manage_progress", "学习进度"), ("practicals:index", "线下实操"),
                        ("courses:manage", "课程管理"), ("question_threads:queue", "答疑"),
                        ("platforms:list", "培训平台"), ("integrity:queue", "风险核查"), ("web:people", "人员"),
                        ("web:organizations", "单位"), ("regions:calendar", "节假日安排")],
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from jineng.identity.two_factor import needs_second_factor

    if needs_second_factor(user=user):
        return {"nav_items": [], "nav_role_label": ""}
    role = primary_role(user=user) or Role.LEARNER
    return {"nav_items": NAV[role], "nav_role_label": Role(role).label}
