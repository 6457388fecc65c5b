"""`ipdesk rebuild_facts`: rebuild the indicator facts and their aggregates from the registry (a repair:
writes keep them fresh, stats.facts). `--check` compares them with a full recomputation instead and
changes nothing; it exits with status 1 when they differ."""
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Rebuild stats.PatentFact / PatentInterval / FactAggregate from registry patents and their events " \
           "(--check: only compare, exit status 1 on a difference)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="recompute in a rolled-back shadow and report differences from the stored facts")

    def handle(self, *args, check=False, **options):
        from ipdesk.stats import facts
        t = time.perf_counter()
        if check:
            found = facts.record_check()
            n = facts.differences(found)
            line = (f"facts {found['facts']} intervals {found['intervals']} aggregates {found['aggregates']} "
                    f"differing rows in {time.perf_counter() - t:.1f} s")
            if n:
                self.stdout.write(f"patents (first {len(found['patents'])}): "
                                  + " ".join(str(i) for i in found["patents"]))
                raise CommandError(f"facts differ from a full recomputation: {line}; repair: ipdesk rebuild_facts")
            self.stdout.write(self.style.SUCCESS(f"facts agree with a full recomputation: {line}"))
            return
        patents, intervals = facts.rebuild(
            progress=lambda done, total: self.stdout.write(f"  {done}/{total} patents with events"))
        self.stdout.write(self.style.SUCCESS(f"{patents} patents, {intervals} validity intervals in "
                                             f"{time.perf_counter() - t:.1f} s"))
