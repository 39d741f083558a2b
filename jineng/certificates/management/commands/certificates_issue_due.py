"""``python manage.py certificates_issue_due`` — for the scheduler (cron / systemd timer, e.g.
every 10 minutes): issue the certificate of every complete enrolment that has none yet."""

from django.core.management.base import BaseCommand

from jineng.certificates.services import certificates_issue_due


class Command(BaseCommand):
    help = "为已达到结业条件、尚未发证的报名发放培训合格证书"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="本次最多处理的报名数")

    def handle(self, *args, limit: int = 500, **options):
        issued = certificates_issue_due(limit=limit)
        self.stdout.write(f"已发放 {issued} 张培训合格证书")
