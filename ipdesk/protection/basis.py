"""The basis (依据) of the adjudication time limits, for core.basis. Each limit is a TimeLimitRule row that carries
its own regulation, article, text and verified mark (issue 16 item 8), edited on its own page: the 依据 page lists
those rows as they are (`external`), it does not copy them. The way periods are counted is declared here."""
from django.utils.translation import gettext_lazy as _

from ipdesk.core.basis import ExternalRow, declare, external


def _time_limit_rows():
    from .models import TimeLimitRule
    for rule in TimeLimitRule.objects.order_by("code"):
        yield ExternalRow(key=f"protection.limits.{rule.code}", title=rule.name,
                          source=rule.basis_regulation or rule.legal_basis, article=rule.basis_article,
                          excerpt=rule.basis_text, verified=rule.basis_verified, status=rule.basis_status,
                          note=rule.basis_note, url=rule.get_absolute_url())


external("protection.limits", _time_limit_rows, label=_("法定期限规则"))

declare(
    "protection.counting", _("行政裁决期限的计算"), "《中华人民共和国民事诉讼法》第85条；《中华人民共和国民法典》第201–203条（类推适用）",
    article="待核对",
    excerpt="期间开始之日不计入；以月计算的期间，届满日为最后一月的同日（无同日的为月末）；经批准延长的月份自原期间届满日起算；"
            "以日、月计算的期间届满日为休息日的顺延至下一个工作日；工作日按本单位日历（法定节假日、调休）计算。（摘要）",
    note="条号据 protection/rules.py 注释，待核对；与《专利纠纷行政裁决和调解办法》（国家知识产权局令第81号）的核对由工作人员完成。",
    code=("ipdesk.protection.rules.deadline", "ipdesk.protection.rules.add_months",
          "ipdesk.protection.rules.working_days_between"))
