"""Unified social credit codes (GB 32100-2015), with messages that say what is wrong."""

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from jineng.common.errors import DomainError


def credit_code_with_check_digit(body: str) -> str:
    """The 17 characters ``body`` completed with their check character."""
    return body + uscc.calc_check_digit(body)


def parse_credit_code(raw: str) -> str:
    code = (raw or "").strip().upper().replace(" ", "")
    if not code:
        raise DomainError("invalid_credit_code", "请填写统一社会信用代码", field="credit_code")
    if len(code) != 18:
        raise DomainError("invalid_credit_code", f"统一社会信用代码应为 18 位，您填写了 {len(code)} 位", field="credit_code")
    try:
        return uscc.validate(code)
    except InvalidChecksum:
        expected = uscc.calc_check_digit(code[:17])
        raise DomainError(
            "invalid_credit_code",
            f"统一社会信用代码最后一位校验码不正确：按前 17 位计算应为 {expected}，请核对营业执照",
            field="credit_code",
        ) from None
    except ValidationError:
        raise DomainError(
            "invalid_credit_code", "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V），请核对营业执照", field="credit_code"
        ) from None
