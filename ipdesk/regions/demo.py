"""The demo city's reference data (regions, population, dictionaries): the first step of `ipdesk load_demo`,
the same as `ipdesk setup_city`."""
from django.core.management import call_command


def load(stdout=None):
    call_command("setup_city", stdout=stdout)
