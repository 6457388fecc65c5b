"""`ipdesk import KIND FILE [--keep-good] [--dry-run] [--columns 申请日,申请号,…]`: a file through the one import
pipeline; `ipdesk import KIND --template OUT.xlsx` writes the kind's import template (core.templates_xlsx).

The layout the file was recognised as is printed first (`识别为：incoPat 导出`, core.layouts). A file without a
header row is read with `--columns`: one column name (any alias) per column, in file order, empty to skip.

The last line is always `imported N, unchanged N, rejected N, outside N` (outside: rows of another
city, neither written nor errors); the exit status is 0 when no row
was rejected, 1 when rows were rejected, 2 when the file could not be read at all.
"""
import sys

from django.core.management.base import BaseCommand, CommandError

from ipdesk.core import context
from ipdesk.core.imports import ImportFileError, run_import, specs


class Command(BaseCommand):
    help = "Import a CSV or XLSX file (enterprises, patents, trademarks, events, …) through the import pipeline."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="record type: " + ", ".join(sorted(specs())))
        parser.add_argument("file", nargs="?")
        parser.add_argument("--columns", help="file without a header row: the column names in file order, "
                                              "comma-separated, empty to skip (e.g. 申请日,申请号,,名称)")
        parser.add_argument("--template", metavar="OUT", help="write the import template (XLSX) of KIND to OUT "
                                                             "and exit")
        parser.add_argument("--keep-good", action="store_true", help="import the good rows even if some are rejected")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="act as this user (their data scope applies); default: the system")
        parser.add_argument("--rejected", help="write the rejected rows to this CSV file")
        parser.add_argument("--show", type=int, default=50, help="print at most this many rejected rows (default 50)")

    def handle(self, kind, file, keep_good, dry_run, user, rejected, show, columns=None, template=None, **options):
        available = specs()
        if kind not in available:
            raise CommandError(f"unknown kind {kind!r}; choose one of: {', '.join(sorted(available))}")
        if template:
            from ipdesk.core.templates_xlsx import write_template
            write_template(available[kind], template)
            self.stdout.write(f"template written to {template}")
            return
        if not file:
            raise CommandError("FILE is required (or --template OUT to write the import template)")
        actor = None
        if user:
            from django.contrib.auth import get_user_model
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no such user: {user}")
        try:
            with context.acting_as(actor, request_id="cli-import"):
                result = run_import(available[kind], file, user=actor, keep_good=keep_good, dry_run=dry_run,
                                    rejected_path=rejected, columns=columns)
        except (ImportFileError, OSError) as exc:
            self.stderr.write(f"{file}: {exc}")
            self.stdout.write("imported 0, unchanged 0, rejected 0, outside 0")
            sys.exit(2)
        self.stdout.write(result.layout_text())
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for problem in result.errors[:show]:
            self.stderr.write(f"{file}:{problem.line}: {problem.field}: {problem.reason}")
        if result.rejected > show:
            self.stderr.write(f"… {result.rejected - show} more rejected rows")
        if result.rejected_path:
            self.stderr.write(f"rejected rows written to {result.rejected_path}")
        self.stdout.write(result.summary_text())
        self.stdout.write(result.summary_line())
        if result.rejected:
            sys.exit(1)
