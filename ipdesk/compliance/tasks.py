"""Deadline reminders for abnormal applications awaiting withdrawal or statement (期限提醒)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


def send_deadline_reminders(today=None):
    """Remind the officers of each application's district (and the city officers) 7, 3 and 1 days
    before the deadline and on the day; once per application, day and user (dedupe_key)."""
    from django.db.models import Q
    from django.utils import timezone

    from ipdesk.accounts.models import User
    from ipdesk.core.notify import notify
    from ipdesk.core.scoping import Role

    from . import rules
    from .choices import ApplicationStatus, EventKind
    from .models import AbnormalApplication, ApplicationEvent

    today = today or timezone.localdate()
    sent = 0
    officers = list(User.objects.filter(is_active=True, role__in=[Role.CITY_OFFICER, Role.DISTRICT_OFFICER])
                    .select_related("region"))
    due = AbnormalApplication.objects.filter(status=ApplicationStatus.NOTIFIED, deadline__gte=today,
                                             deadline__lte=today + __import__("datetime").timedelta(days=max(rules.REMINDER_DAYS)))
    for app in due.select_related("region"):
        left = rules.reminder_due(app.deadline, today)
        if left is None:
            continue
        recipients = [u for u in officers if u.role == Role.CITY_OFFICER or
                      (u.region_id and app.region.path.startswith(u.region.path))]
        sent += notify(recipients,
                       f"非正常专利申请 {app.application_no} 答复期限" + ("今日届满" if left == 0 else f"还有 {left} 天"),
                       app.get_absolute_url(), "abnormal_deadline", key=f"abnormal:{app.pk}:{app.deadline}:{left}",
                       body=f"{app.applicant}，期限 {app.deadline:%Y-%m-%d}，尚未撤回或陈述意见。")
        if not ApplicationEvent.objects.filter(application=app, kind=EventKind.REMINDER, date=today).exists():
            ApplicationEvent.objects.create(application=app, kind=EventKind.REMINDER, date=today,
                                            note="期限今日届满" if left == 0 else f"距答复期限 {left} 天")
    return sent


@db_periodic_task(crontab(hour="8", minute="0"))
def abnormal_deadline_reminders():
    return send_deadline_reminders()
