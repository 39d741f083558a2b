"""Domain errors: a stable code, a message in Chinese for the user, and the field at fault.

Services raise them before anything is written; the web and API layers map them to a
form error or a JSON body (see ``jineng.api``) without losing the code or the field.
"""


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            body["details"] = self.details
        return body


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "您没有权限执行此操作", *, code: str = "permission_denied"):
        super().__init__(code, message)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "记录不存在或不在您的权限范围内", *, code: str = "not_found"):
        super().__init__(code, message)
