"""The basis (依据) of the service commissioner's time limits, for core.basis."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import Kind, declare

declare(
    "services.promised_limits", _("服务事项承诺时限"), "本单位配置", kind=Kind.CONFIG,
    excerpt="每类服务事项的承诺办理时限（工作日或自然日）与原时限为本单位配置；压缩比例 = 1 − 承诺时限 ÷ 原时限。",
    note="时限按本单位服务承诺配置，不是法定期限。",
    code=("ipdesk.services.rules.due_date", "ipdesk.services.rules.limit_cut_pct",
          "ipdesk.services.rules.time_saved_pct"))
