"""Reclassify every patent by the strategic emerging industries table (registry.sei, registry.SeiRule).

Run after loading or correcting the table outside the pages (editing a rule on the pages reclassifies
the patents it touches by itself), or after changing the matching in registry.sei.
"""
from django.core.management.base import BaseCommand

from ipdesk.core import context


class Command(BaseCommand):
    help = "按《战略性新兴产业分类与国际专利分类参照关系表（2021）》重新分类全部专利"

    def handle(self, *args, **options):
        from ipdesk.registry import sei
        with context.acting_as(None, request_id="reclassify_sei"):
            changed = sei.reclassify(progress=lambda done, total: None)
        self.stdout.write(f"reclassified: {changed} patents changed")
