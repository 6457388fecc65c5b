from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ipdesk.core"
    label = "core"
    verbose_name = _("平台")
    nav = (
        {"label": _("工作台"), "url": "core:home"},
        {"label": _("消息提醒"), "url": "core:notifications"},
        {"label": _("后台任务"), "url": "core:job_list", "roles": ("city_officer", "district_officer")},
        {"label": _("操作日志"), "url": "core:audit_list", "roles": ("city_officer",)},
        {"label": _("依据"), "url": "core:basis_list", "roles": ("city_officer", "district_officer", "leader")},
    )

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import columns, signals  # noqa: F401  (signals: audit hooks)
        from .extensions import register_api
        register_api("ipdesk.core.api")  # first: the platform's own routes lead the API root
        # The empty choice of every select ("- Select an option -" in Django 6.1, which Django's own
        # Chinese catalogue does not translate yet): the platform's own, translated label.
        from django.db.models import fields as model_fields
        model_fields.BLANK_CHOICE_LABEL = _("请选择")
        columns.install()   # before any table class is built: cheap date cells for every table
        from .filters import keep_filter_labels
        keep_filter_labels()  # filter forms keep their labels after the API schema read the filters
        # The legal basis (依据) of every rule: each app's basis.py declares; the table follows after migrate.
        from django.db.models.signals import post_migrate

        from . import basis
        post_migrate.connect(basis.post_migrate_sync, sender=self, dispatch_uid="core.basis.sync")
        basis.collect()  # every app's basis.py, so a malformed or conflicting declaration stops start-up
        # Job handlers and periodic tasks live in each app's tasks.py; every process (web, worker,
        # commands) must know them, not only the huey consumer.
        autodiscover_modules("tasks")
