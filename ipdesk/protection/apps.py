from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

STAFF = ("city_officer", "district_officer", "leader")


class ProtectionConfig(AppConfig):
    name = "ipdesk.protection"
    label = "protection"
    verbose_name = _("维权援助与纠纷处理")
    nav = (
        {"label": _("维权援助"), "url": "protection:assistancecase_list",
         "roles": ("city_officer", "district_officer", "leader", "lawyer", "enterprise")},
        {"label": _("申请维权援助"), "url": "protection:assistance_apply", "roles": ("enterprise",)},
        {"label": _("专利侵权纠纷行政裁决"), "url": "protection:adjudicationcase_list",
         "roles": ("city_officer", "district_officer", "leader", "enterprise")},
        {"label": _("诉调对接与行刑衔接"), "url": "protection:cooperationcase_list", "roles": STAFF},
        {"label": _("保护工作站与指导站"), "url": "protection:servicestation_list"},
        {"label": _("网点服务记录"), "url": "protection:stationservice_list", "roles": STAFF},
        {"label": _("维权统计"), "url": "protection:figures", "roles": STAFF},
        {"label": _("法定期限规则"), "url": "protection:timelimitrule_list", "roles": STAFF},
        {"label": _("节假日与调休"), "url": "protection:calendarday_list", "roles": STAFF},
        {"label": _("文书模板"), "url": "protection:documenttemplate_list", "roles": STAFF},
    )

    def ready(self):
        from ipdesk.core.extensions import register_api, register_autocomplete, register_demo_loader
        register_api("ipdesk.protection.api")
        register_demo_loader("protection", "ipdesk.protection.demo.load")
        register_autocomplete("people", "ipdesk.protection.autocomplete.people")

        from django.db.models.signals import post_delete, post_save

        from ipdesk.core.models import Attachment

        from . import actions
        post_save.connect(actions.attachment_added, sender=Attachment, dispatch_uid="protection_attachment_added")
        post_delete.connect(actions.attachment_removed, sender=Attachment, dispatch_uid="protection_attachment_removed")
