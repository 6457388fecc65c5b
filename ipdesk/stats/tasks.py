"""Periodic work of stats: on the 1st of each month, prepare the draft bulletin of the month just ended;
each night, fold the aggregates' change rows, build the high-value measures when they are not for the current
criteria, and check the facts against a full recomputation."""
import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


def previous_month(today):
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return last.year, last.month


def prepare_monthly_draft(today=None):
    """The city's draft for the previous month (skipped when it is already published)."""
    from ipdesk.regions.setup import city_region

    from .actions import prepare_bulletin
    from .models import Bulletin
    year, month = previous_month(today or dt.date.today())
    city = city_region()
    if Bulletin.objects.filter(region=city, year=year, month=month, status="published").exists():
        return None
    return prepare_bulletin(city, year, month)


@db_periodic_task(crontab(day="1", hour="6", minute="0"))
def monthly_bulletin_draft():
    prepare_monthly_draft()


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_facts_check():
    """Each night, the facts kept by every write against a full recomputation (`ipdesk rebuild_facts
    --check`); a difference is told to the city officers and shown on the dashboard (stats.facts.record_check)."""
    from .facts import compact_aggregates, current_hv_stamp, differences, rebuild_high_value, record_check, \
        stored_hv_stamp
    compact_aggregates()
    if stored_hv_stamp() != current_hv_stamp():   # e.g. an upgraded database, or a job that did not run
        rebuild_high_value()
    return differences(record_check())
