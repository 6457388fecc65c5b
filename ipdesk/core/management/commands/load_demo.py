"""Load the demo city: Zaozhuang's reference data, each module's demo records, and the demo accounts."""
from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from ipdesk.core import context
from ipdesk.core.demo import load_accounts

# Order matters: later modules refer to the enterprises and patents of the registry.
DEMO_MODULES = ["registry", "stats", "services", "protection", "finance", "compliance"]


class Command(BaseCommand):
    help = "Load the demo data (Zaozhuang 2022) and demo accounts; safe to run again."

    def handle(self, *args, **options):
        call_command("setup_city", stdout=self.stdout)
        with context.acting_as(None, request_id="load_demo"):
            for name in DEMO_MODULES:
                try:
                    module = import_module(f"ipdesk.{name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"ipdesk.{name}.demo":
                        raise
                    continue
                with transaction.atomic():
                    module.load(stdout=self.stdout)
            with transaction.atomic():
                load_accounts(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
