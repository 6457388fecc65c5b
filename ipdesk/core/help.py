"""The menu's icons and the help page of each module (/help/<module>/, linked from the menu group).

A module is an app with a `nav` declaration; its help is a short Chinese guide to the daily work (the
source language of the site; the English is the catalogue's translation). The icons are Bootstrap
Icons names (node_modules/bootstrap-icons, served from static/vendor).
"""
from django.utils.translation import gettext_lazy as _

ICONS = {
    "core": "bi-house-door",
    "registry": "bi-building",
    "services": "bi-person-badge",
    "protection": "bi-shield-check",
    "finance": "bi-cash-coin",
    "compliance": "bi-clipboard-check",
    "stats": "bi-bar-chart-line",
    "regions": "bi-map",
    "accounts": "bi-gear",
}
DEFAULT_ICON = "bi-folder"

# module -> the steps of its daily work, in order
GUIDES = {
    "core": (
        _("登录后先看工作台：待办事项按到期日排列，逾期的排在最前。"),
        _("右上角铃铛是消息提醒；点开消息即标为已读。"),
        _("导入的数据在“后台任务”中查看进度和结果，被拒绝的行可下载后修改再导入。"),
    ),
    "registry": (
        _("企业、专利、商标按所属区县管理：区县只看到本辖区的企业及其知识产权。"),
        _("新数据用列表页的“导入”按模板上传，导入前先下载模板核对列名。"),
        _("导入后到“待匹配权利人”把未能匹配的权利人关联到企业。"),
        _("检索页可按企业名称、申请号或专利名称查找。"),
    ),
    "services": (
        _("服务专员在专员工作台查看分配给自己的企业和服务申请。"),
        _("企业提出的服务申请按承诺时限办理，受理、办结各一步，办结后企业可评价。"),
        _("专精特新企业的问题记入问题台账，解决后标记解决情况。"),
    ),
    "protection": (
        _("维权援助：受理 → 指派承办人 → 登记援助服务 → 办结 → 回访，每一步在案件页办理。"),
        _("行政裁决：立案、送达、答辩、口头审理、结案，法定期限按“法定期限规则”自动计算并提醒。"),
        _("案件文书由“文书模板”生成，模板只能使用列出的字段。"),
    ),
    "finance": (
        _("专利质押登记后，质押专利写入法律状态；解除质押在质押登记页办理，解除后不能撤回。"),
        _("贴息申请：企业提交 → 审核通过或不通过 → 确认拨付；审核通过和拨付前都会请您确认。"),
        _("“融资与项目统计”按区县和年度汇总质押、保险和项目资金。"),
    ),
    "compliance": (
        _("代理机构、代理师的检查记录、投诉和行政处罚在各自列表登记。"),
        _("非正常专利申请按核查批次导入，逐件登记通知、撤回或申诉结果。"),
        _("线索审核页列出筛查出的可疑申请，确认后转入核查批次。"),
    ),
    "stats": (
        _("领导驾驶舱显示各区县的主要指标和目标完成进度。"),
        _("月度通报先生成草稿，核对数据和综述后发布；发布后内容不再变化。"),
        _("指标明细可下载，用于核对指标的来源数据。"),
    ),
    "regions": (
        _("行政区划、年末人口是指标计算的基础，每年更新一次年末人口。"),
        _("数据字典维护银行、保险机构、企业标签等可选值。"),
    ),
    "accounts": (
        _("市局管理员和区县管理员在“用户管理”中开设账号并指定角色和区域。"),
        _("个人资料页显示您的角色、区域和最近登录记录；请定期修改密码。"),
    ),
}


# ---- 办理流程: every workflow drawn for officers (core.workflow) ----------------------------------------
from django.contrib.auth.mixins import LoginRequiredMixin  # noqa: E402
from django.views.generic import TemplateView  # noqa: E402


class WorkflowHelpView(LoginRequiredMixin, TemplateView):
    """办理流程 (/help/workflows/): each workflow of the modules in the user's menu, with its states drawn as an
    SVG made on the server (core.workflow.svg, every label escaped) and its steps listed with who may take them."""
    template_name = "core/help_workflows.html"

    def get_context_data(self, **kwargs):
        from .context_processors import visible_entries
        from .scoping import Role
        from .workflow import all_workflows, describe, svg
        ctx = super().get_context_data(**kwargs)
        modules = {config.label for config, _items in visible_entries(self.request.user)} | {"core"}
        role_labels = dict(Role.choices)
        shown = []
        for wf in all_workflows():
            if wf.model._meta.app_label not in modules:
                continue
            info = describe(wf)
            states = {s["value"]: s["label"] for s in info["states"]}
            for t in info["transitions"]:
                t["source_labels"] = [states.get(s, s) for s in t["source"]]
                t["target_label"] = states.get(t["target"], t["target"]) if t["target"] else ""
                t["role_labels"] = [role_labels.get(r, r) for r in t["roles"]]
            shown.append({"info": info, "svg": svg(wf), "app": wf.model._meta.app_config.verbose_name})
        ctx["workflows"] = shown
        return ctx
