"""`ipdesk detect --since YYYY-MM-DD --json`: find candidate abnormal filings and print them."""
import json

from django.core.management.base import BaseCommand, CommandError

from ipdesk.compliance import detection, screening
from ipdesk.core.dates import InvalidDate, parse_iso_date


class Command(BaseCommand):
    help = "筛查非正常专利申请线索（内容重复、异常集中申请、关联申请人分散申请）"

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="申请日起，YYYY-MM-DD")
        parser.add_argument("--until", help="申请日止，YYYY-MM-DD（默认今天）")
        parser.add_argument("--threshold", type=float, default=detection.THRESHOLD, help="相似度阈值（Jaccard，默认 0.8）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--dry-run", action="store_true", help="只输出，不保存为待审核线索")

    def handle(self, *args, **opts):
        try:
            since = parse_iso_date(opts["since"], field="--since")
            until = parse_iso_date(opts.get("until"), field="--until")
        except InvalidDate as exc:
            raise CommandError(str(exc)) from None
        if not 0 < opts["threshold"] <= 1:
            raise CommandError("--threshold 应在 0 与 1 之间")
        if opts["dry_run"]:
            found, counts = screening.collect(since, until, opts["threshold"])
            run_id = None
        else:
            run, found = screening.run(since, None, until, opts["threshold"])
            counts, run_id = run.summary, run.pk
        if opts["json"]:
            from ipdesk.regions.models import Region
            codes = dict(Region.objects.values_list("pk", "code"))
            for c in found:
                c["region"] = codes.get(c["region_id"])
            out = {"since": str(since), "until": str(until) if until else None, "threshold": opts["threshold"],
                   "run": run_id, "applications": counts.get("applications"),
                   "candidates": [{**c, "kind": str(c["kind"])} for c in found]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
            return
        self.stdout.write(f"{counts.get('applications')} 件申请，{len(found)} 条线索" + (f"（运行 #{run_id}）" if run_id else ""))
        for c in found:
            self.stdout.write(f"  [{c['kind']}] {c['subject']}  {len(c['application_nos'])} 件  分值 {c['score']:.2f}")
