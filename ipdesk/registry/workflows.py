"""Trademarks carry a status (申请中/已注册/已失效/已注销) that is a fact recorded by the trademark office and
brought in by the import (registry.imports): nobody here changes it by a step, so the workflow declares the
states and no transition (core.workflow)."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.workflow import Workflow, register

from .choices import TrademarkStatus
from .models import Trademark

TRADEMARK = register(Workflow(
    Trademark, TrademarkStatus, [],
    note=_("商标状态来自商标局数据，随导入更新，系统内没有办理步骤。"),
))
