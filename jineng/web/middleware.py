"""Domain errors that escape a view become a page in Chinese with the right status."""

from django.shortcuts import render

from jineng.common.errors import DomainError, NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            title = "找不到该页面或记录"
        elif isinstance(exception, PermissionDenied):
            title = "没有权限"
        else:
            title = "无法完成操作"
        return render(request, "web/error.html", {"title": title, "error": exception}, status=exception.status)
