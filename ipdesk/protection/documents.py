"""Case documents (立案通知书、不予受理通知书、行政裁决书) as DOCX, rendered by docxtpl from the
office's editable DocumentTemplate records. The shipped defaults are written with python-docx and
use docxtpl (Jinja) tags such as {{ case.number }}; an office edits them in Word and uploads them."""
import io

from django.core.exceptions import ValidationError
from django.utils import timezone

DEFAULT_TEMPLATE_NAMES = {
    "filing_notice": "立案通知书（默认）",
    "rejection_notice": "不予受理通知书（默认）",
    "decision": "专利侵权纠纷行政裁决书（默认）",
}

_BODIES = {
    "filing_notice": ("立案通知书", [
        "{{ office }}　{{ case.number }}",
        "{{ case.requester_name }}：",
        "你（单位）于{{ received_on }}提交的请求处理与{{ case.respondent_name }}之间专利侵权纠纷（涉案专利号："
        "{{ case.patent_no }}）的请求书收悉。经审查，该请求符合立案条件，本局决定立案处理，立案日期为{{ filed_on }}。",
        "本案由{{ handlers }}组成合议组负责办理。本局将依法将请求书副本送达被请求人，被请求人应当自收到之日起"
        "十五日内提交答辩书。",
        "特此通知。",
        "{{ office }}",
        "{{ today }}",
    ]),
    "rejection_notice": ("不予受理通知书", [
        "{{ office }}　{{ case.number }}",
        "{{ case.requester_name }}：",
        "你（单位）于{{ received_on }}提交的请求处理与{{ case.respondent_name }}之间专利侵权纠纷的请求书收悉。"
        "经审查，本局决定不予受理，理由如下：{{ case.result }}",
        "{{ office }}",
        "{{ today }}",
    ]),
    "decision": ("专利侵权纠纷行政裁决书", [
        "{{ office }}　{{ case.number }}",
        "请求人：{{ case.requester_name }}",
        "被请求人：{{ case.respondent_name }}{% if case.respondent_address %}，住所地：{{ case.respondent_address }}{% endif %}",
        "请求人就被请求人侵犯其专利权（专利号：{{ case.patent_no }}）一案，于{{ received_on }}向本局提出处理请求，"
        "本局于{{ filed_on }}立案，依法组成由{{ handlers }}参加的合议组进行审理{% if hearing_on %}，并于{{ hearing_on }}"
        "进行了口头审理{% endif %}。本案现已审理终结。",
        "请求事项：{{ case.claims }}",
        "经审理，本局认为：{% if case.infringement_found %}被请求人的行为构成专利侵权。{% else %}被请求人的行为不构成专利侵权。{% endif %}",
        "裁决如下：{{ case.result }}",
        "当事人不服本裁决的，可以自收到本裁决书之日起十五日内，依照《中华人民共和国行政诉讼法》向人民法院起诉。",
        "{{ office }}",
        "{{ decided_on }}",
    ]),
}


def default_template_bytes(kind):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    title, paragraphs = _BODIES[kind]
    doc = Document()
    heading = doc.add_heading(title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else "　年　月　日"


def case_context(case, office="枣庄市市场监督管理局"):
    handlers = "、".join(str(u) for u in case.handlers.all()) or "（未指定）"
    return {"case": case, "office": office, "handlers": handlers, "received_on": _date(case.received_on),
            "filed_on": _date(case.filed_on), "hearing_on": _date(case.hearing_on) if case.hearing_on else "",
            "decided_on": _date(case.concluded_on), "today": _date(timezone.localdate())}


def validate_template(content):
    """Refuse an upload docxtpl cannot render (not a DOCX, or broken template tags)."""
    from docxtpl import DocxTemplate
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        tpl.get_undeclared_template_variables()
    except Exception as exc:  # zip / XML / Jinja syntax errors all mean "cannot use this file"
        raise ValidationError(f"模板文件无法使用：不是有效的 DOCX 文件或模板标记有误（{type(exc).__name__}）。") from None


def render(template, case):
    """DOCX bytes of `template` filled with the case."""
    from docxtpl import DocxTemplate
    tpl = DocxTemplate(io.BytesIO(bytes(template.content)))
    try:
        tpl.render(case_context(case), autoescape=True)
    except Exception as exc:
        raise ValidationError(f"文书模板「{template.name}」填充失败：{exc}") from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
