"""`ipdesk rebuild_facts`: rebuild the indicator facts from the registry (after a large import)."""
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Rebuild stats.PatentFact / PatentInterval from registry patents and their events."

    def handle(self, *args, **options):
        from ipdesk.stats.facts import rebuild
        t = time.perf_counter()
        patents, intervals = rebuild(progress=lambda done, total: self.stdout.write(f"  {done}/{total} patents with events"))
        self.stdout.write(self.style.SUCCESS(f"{patents} patents, {intervals} validity intervals in "
                                             f"{time.perf_counter() - t:.1f} s"))
