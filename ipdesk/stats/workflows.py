"""The workflow of the monthly bulletin (专利通报): 草稿 → 已发布, declared once (core.workflow). Drafts are
prepared by the city office (actions.prepare_bulletin) and may be recomputed until published; a published
bulletin never changes (Bulletin.save keeps refusing it as a last line)."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.scoping import Role
from ipdesk.core.workflow import Transition, Workflow, register

from . import actions
from .error_codes import StatsErrorCode, denied, error
from .forms import PublishForm
from .models import Bulletin, BulletinStatus as S


class BulletinWorkflow(Workflow):
    error_prefix = ""

    def role_error(self, obj, t, user):
        return denied(StatsErrorCode.NOT_CITY_OFFICER)

    def state_error(self, obj, t):
        if t.name == "refresh":
            return error(StatsErrorCode.PUBLISHED_NOT_REFRESHED, title=obj.title)
        return error(StatsErrorCode.ALREADY_PUBLISHED)


BULLETIN = register(BulletinWorkflow(
    Bulletin, S, [
        Transition("prepare", (), S.DRAFT, _("生成草稿"), roles=(Role.CITY_OFFICER,), system=True),
        Transition("refresh", (S.DRAFT,), None, _("按最新数据重新计算"), actions.refresh, None, (Role.CITY_OFFICER,),
                   done=_("草稿已按最新数据重新计算。")),
        Transition("publish", (S.DRAFT,), S.PUBLISHED, _("发布通报"), actions.publish, PublishForm,
                   (Role.CITY_OFFICER,), clean=actions.clean_publish, done=_("通报已发布，此后内容不再变化。")),
    ],
    codes=StatsErrorCode, note=_("通报由市局生成草稿，核对后发布；发布后内容不再变化。"),
))
