"""`ipdesk workflows [--json]`: every workflow the apps declare (core.workflow) — the model, its states and its
transitions with their labels, the states they start from and lead to, and the roles allowed. The same
declarations drive the pages, the API and the 办理流程 help page, so this is what the system enforces."""
import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ipdesk.core.workflow import all_workflows, describe


class Command(BaseCommand):
    help = "List every workflow: model, states, transitions with labels and roles (列出各模块的办理流程)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        described = [describe(w) for w in all_workflows()]
        if options["json"]:
            self.stdout.write(json.dumps(described, ensure_ascii=False, indent=2))
            return
        for wf in described:
            states = dict((s["value"], s["label"]) for s in wf["states"])
            self.stdout.write(f"{wf['model']}  {wf['label']}")
            self.stdout.write("  " + _("状态：") + "、".join(f"{label}({value})" for value, label in states.items()))
            for t in wf["transitions"]:
                source = "、".join(states.get(s, s) for s in t["source"]) or _("（新建）")
                target = states.get(t["target"], t["target"]) if t["target"] else _("（状态不变）")
                roles = "、".join(t["role_labels"]) or (_("系统") if t["system"] else _("有修改权限者"))
                how = _("系统/编辑页") if t["system"] else _("操作")
                self.stdout.write(f"  - {t['name']}: {t['label']}  {source} → {target}  [{roles}] ({how})")
            if wf["note"]:
                self.stdout.write("  " + _("说明：") + wf["note"])
            self.stdout.write("")
