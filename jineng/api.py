"""The JSON API: one NinjaAPI, one router per app, session auth that enforces CSRF."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import SessionAuth

from jineng.common.errors import DomainError

api = NinjaAPI(
    title="技能 jineng API",
    version="1",
    description="线上职业技能培训与补贴系统接口。状态变更请求需携带 X-CSRFToken。",
    auth=SessionAuth(csrf=True),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


def _register_routers() -> None:
    from jineng.certificates.api import router as certificates_router
    from jineng.claims.api import router as claims_router
    from jineng.courses.api import router as courses_router
    from jineng.documents.api import router as documents_router
    from jineng.exams.api import router as exams_router
    from jineng.identity.api import router as identity_router
    from jineng.integrity.api import router as integrity_router
    from jineng.learning.api import router as learning_router
    from jineng.notifications.api import router as notifications_router
    from jineng.organizations.api import router as organizations_router
    from jineng.platforms.api import router as platforms_router
    from jineng.policy.api import router as policy_router
    from jineng.practicals.api import router as practicals_router
    from jineng.projects.api import router as projects_router
    from jineng.question_threads.api import router as question_threads_router
    from jineng.regions.api import router as regions_router

    api.add_router("/identity/", identity_router)
    api.add_router("/organizations/", organizations_router)
    api.add_router("/regions/", regions_router)
    api.add_router("/policy/", policy_router)
    api.add_router("/platforms/", platforms_router)
    api.add_router("/courses/", courses_router)
    api.add_router("/learning/", learning_router)
    api.add_router("/exams/", exams_router)
    api.add_router("/integrity/", integrity_router)
    api.add_router("/notifications/", notifications_router)
    api.add_router("/questions/", question_threads_router)
    api.add_router("/certificates/", certificates_router)
    api.add_router("/projects/", projects_router)
    api.add_router("/practicals/", practicals_router)
    api.add_router("/documents/", documents_router)
    api.add_router("/claims/", claims_router)


_register_routers()
