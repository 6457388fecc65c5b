from django.core.management.base import BaseCommand, CommandError

from ipdesk.core import audit


class Command(BaseCommand):
    help = "Audit log tools: `ipdesk audit verify` checks the hash chain (审计日志完整性校验)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        checked, problems = audit.verify()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain BROKEN: {len(problems)} problem(s) in {checked} entries")
        self.stdout.write(f"audit chain OK: {checked} entries verified")
