from jineng.identity.models import STAFF_ROLES, RoleAssignment


def user_is_staff(*, user) -> bool:
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role__in=list(STAFF_ROLES)).exists()
