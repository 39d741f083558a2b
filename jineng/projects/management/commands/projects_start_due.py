"""Daily job: start every approved training project whose start date has come.

Run once a day shortly after midnight Asia/Shanghai, e.g. ``jineng manage projects_start_due``."""

from django.core.management.base import BaseCommand

from jineng.projects.services import projects_start_due


class Command(BaseCommand):
    help = "开始所有已备案且到达培训开始日期的培训项目（每天凌晨运行一次）"

    def handle(self, *args, **options):
        started = projects_start_due()
        for project in started:
            self.stdout.write(f"{project.number} {project.name}：已开始培训")
        self.stdout.write(f"共开始 {len(started)} 个培训项目")
