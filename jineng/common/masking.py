"""How personal data is shown to people who do not need all of it."""


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: the public sees enough to recognise, not to identify."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_account(value: str) -> str:
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]
