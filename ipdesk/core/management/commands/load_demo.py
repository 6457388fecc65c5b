"""Load the demo city: Zaozhuang's reference data, each module's demo records, and the demo accounts.

Each app registers its step in its AppConfig.ready() (core.extensions.register_demo_loader): the regions
app the city's reference data (first), the domain apps their records in INSTALLED_APPS order (later
modules refer to the enterprises and patents of the registry), the accounts app the demo accounts (last)."""
from django.core.management.base import BaseCommand
from django.db import transaction

from ipdesk.core import context
from ipdesk.core.extensions import demo_loaders


class Command(BaseCommand):
    help = "Load the demo data (Zaozhuang 2022) and demo accounts; safe to run again."

    def handle(self, *args, **options):
        steps = demo_loaders()
        for step in steps:
            if step.reference:
                step.function()(stdout=self.stdout)
        with context.acting_as(None, request_id="load_demo"):
            for step in steps:
                if not step.reference:
                    with transaction.atomic():
                        step.function()(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
