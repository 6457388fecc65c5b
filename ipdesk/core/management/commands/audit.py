from django.core.management.base import BaseCommand, CommandError

from ipdesk.core import audit


class Command(BaseCommand):
    help = ("Audit log tools (审计日志完整性校验): `ipdesk audit verify` checks the hash chain with the audit key "
            "and against every signed checkpoint; `ipdesk audit checkpoint` signs one of the present head.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action, **options):
        try:
            if action == "checkpoint":
                return self.checkpoint()
            checked, problems = audit.verify()
        except audit.AuditKeyMissing as exc:
            raise CommandError(str(exc))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain BROKEN: {len(problems)} problem(s) in {checked} entries "
                               f"(审计日志已被篡改：第一处问题 {problems[0]})")
        self.stdout.write(f"audit chain OK: {checked} entries verified")

    def checkpoint(self):
        record, problems = audit.checkpoint()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"audit chain BROKEN: {len(problems)} problem(s); no checkpoint written "
                               "(审计日志校验失败，未写入检查点)")
        self.stdout.write(f"audit checkpoint written to {audit.checkpoint_path()}: {record['entries']} entries, "
                          f"head {record['head']}")
