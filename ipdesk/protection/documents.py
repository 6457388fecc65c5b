"""Case documents (立案通知书、不予受理通知书、行政裁决书) as DOCX, rendered by docxtpl from the
office's editable DocumentTemplate records. The shipped defaults are written with python-docx and
use docxtpl (Jinja) tags such as {{ case.number }}; an office edits them in Word and uploads them.

A template is code written by a user, so it is confined (OWASP "Server-Side Template Injection"):
it may use only the fields listed in FIELDS, as plain values, inside `{% if %}` tests, and it is
compiled by `TemplateEnvironment`, which walks the Jinja syntax tree of every part docxtpl renders
(body, headers, footers, footnotes, document properties) and refuses anything else — other names,
other attributes, calls, filters, loops, assignments — before a line of it runs. It then runs in
Jinja's ImmutableSandboxedEnvironment, without globals or filters. The same check refuses a bad
upload and a bad template already stored in the database."""
import io
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULT_TEMPLATE_NAMES = {
    "filing_notice": "立案通知书（默认）",
    "rejection_notice": "不予受理通知书（默认）",
    "decision": "专利侵权纠纷行政裁决书（默认）",
}

# Each default template as an official document (core.gongwen, GB/T 9704-2012 page): 版头 with the office
# ({{ office }}) in red and the 发文字号 ({{ doc_number }}), the title, the case number under it, the
# addressee, the body, then the office and the date. Only the layout is shipped here: an office that uploads
# its own template keeps its own layout, and the upload check (validate_template) is the same for both.
_BODIES = {
    "filing_notice": {"title": "立案通知书", "addressee": "{{ case.requester_name }}：", "body": [
        "你（单位）于{{ received_on }}提交的请求处理与{{ case.respondent_name }}之间专利侵权纠纷（涉案专利号："
        "{{ case.patent_no }}）的请求书收悉。经审查，该请求符合立案条件，本局决定立案处理，立案日期为{{ filed_on }}。",
        "本案由{{ handlers }}组成合议组负责办理。本局将依法将请求书副本送达被请求人，被请求人应当自收到之日起"
        "十五日内提交答辩书。",
        "特此通知。",
    ], "date": "{{ today }}"},
    "rejection_notice": {"title": "不予受理通知书", "addressee": "{{ case.requester_name }}：", "body": [
        "你（单位）于{{ received_on }}提交的请求处理与{{ case.respondent_name }}之间专利侵权纠纷的请求书收悉。"
        "经审查，本局决定不予受理，理由如下：{{ case.result }}",
    ], "date": "{{ today }}"},
    "decision": {"title": "专利侵权纠纷行政裁决书", "addressee": None, "body": [
        "请求人：{{ case.requester_name }}",
        "被请求人：{{ case.respondent_name }}{% if case.respondent_address %}，住所地：{{ case.respondent_address }}{% endif %}",
        "请求人就被请求人侵犯其专利权（专利号：{{ case.patent_no }}）一案，于{{ received_on }}向本局提出处理请求，"
        "本局于{{ filed_on }}立案，依法组成由{{ handlers }}参加的合议组进行审理{% if hearing_on %}，并于{{ hearing_on }}"
        "进行了口头审理{% endif %}。本案现已审理终结。",
        "请求事项：{{ case.claims }}",
        "经审理，本局认为：{% if case.infringement_found %}被请求人的行为构成专利侵权。{% else %}被请求人的行为不构成专利侵权。{% endif %}",
        "裁决如下：{{ case.result }}",
        "当事人不服本裁决的，可以自收到本裁决书之日起十五日内，依照《中华人民共和国行政诉讼法》向人民法院起诉。",
    ], "date": "{{ decided_on }}"},
}

#: The 机关代字 suffix of each kind's 发文字号 sequence (枣市监知立〔2026〕3号): an office convention, not a
#: rule of GB/T 9704-2012, which only fixes the form 代字〔年份〕序号号 (待核对 with the office).
NUMBER_SUFFIX = {"filing_notice": "立", "rejection_notice": "不受", "decision": "裁"}


def default_template_bytes(kind):
    from ipdesk.core.gongwen import OfficialDocument
    spec = _BODIES[kind]
    doc = OfficialDocument()
    doc.masthead("{{ office }}", number="{{ doc_number }}")
    doc.title(spec["title"], space_before_lines=1)
    doc.subtitle("（案号：{{ case.number }}）")
    if spec["addressee"]:
        doc.addressee(spec["addressee"])
    for text in spec["body"]:
        doc.paragraph(text)
    doc.signature("{{ office }}", spec["date"])
    return doc.to_bytes()


# ---- What a template may use ---------------------------------------------------------------------
#: The only fields a template may use: (tag, meaning). The upload check, the render context and the
#: help on the template form all come from this list.
FIELDS = [
    ("case.number", gettext_lazy("案号")),
    ("case.title", gettext_lazy("案由")),
    ("case.requester_name", gettext_lazy("请求人")),
    ("case.respondent_name", gettext_lazy("被请求人")),
    ("case.respondent_address", gettext_lazy("被请求人住所地（可能为空）")),
    ("case.patent_no", gettext_lazy("涉案专利号")),
    ("case.claims", gettext_lazy("请求事项")),
    ("case.result", gettext_lazy("处理结果 / 不予受理理由")),
    ("case.infringement_found", gettext_lazy("是否认定侵权（用于 {% if %} 判断；未裁决时为空）")),
    ("office", gettext_lazy("办案机关名称")),
    ("doc_number", gettext_lazy("发文字号（本文书首次生成时编号，再次生成不变）")),
    ("handlers", gettext_lazy("合议组成员（以顿号分隔）")),
    ("received_on", gettext_lazy("收到请求书日期")),
    ("filed_on", gettext_lazy("立案日期")),
    ("hearing_on", gettext_lazy("口头审理日期（未审理时为空）")),
    ("decided_on", gettext_lazy("结案日期")),
    ("today", gettext_lazy("生成文书当日")),
]
FIELD_NAMES = frozenset(name for name, _label in FIELDS)
CASE_ATTRS = tuple(name.split(".", 1)[1] for name in FIELD_NAMES if name.startswith("case."))
TOP_NAMES = frozenset(name for name in FIELD_NAMES if "." not in name)


def fields_help():
    """One line for the upload form: every field, and what else may be written."""
    from django.utils.html import format_html, format_html_join
    # the names are literals typed into the template as shown: <code>, not words of the page's language
    listed = format_html_join("；", "<code>{{{{ {} }}}}</code> {}", ((name, label) for name, label in FIELDS))
    return format_html("{}{}", _("模板只能使用以下字段，以及 {% if 字段 %}…{% else %}…{% endif %} 判断；使用其他字段、"
                                  "函数调用、过滤器或循环的模板会被拒绝。可用字段："), listed)


def _date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else "　年　月　日"


def case_context(case, office=None, doc_number=""):
    """The render context: plain strings, dates as text and one boolean — never the model instance,
    so a template cannot reach the ORM, the settings or Python through it."""
    from ipdesk.core.gongwen import office_name
    office = office or office_name()
    handlers = "、".join(str(u) for u in case.handlers.all()) or "（未指定）"
    values = {attr: str(getattr(case, attr) or "") for attr in CASE_ATTRS if attr != "infringement_found"}
    values["infringement_found"] = case.infringement_found   # True / False / None
    return {"case": SimpleNamespace(**values), "office": office, "doc_number": doc_number, "handlers": handlers,
            "received_on": _date(case.received_on), "filed_on": _date(case.filed_on),
            "hearing_on": _date(case.hearing_on) if case.hearing_on else "",
            "decided_on": _date(case.concluded_on), "today": _date(timezone.localdate())}


def _sample_context():
    """Placeholder values of every field, for the trial rendering at upload."""
    values = {attr: "示例" for attr in CASE_ATTRS}
    values["infringement_found"] = True
    return {"case": SimpleNamespace(**values), **{name: "示例" for name in TOP_NAMES}}


# ---- The check and the sandbox ---------------------------------------------------------------------
class TemplateRefused(SecurityError):
    """A template uses something outside FIELDS; the message names it, in Chinese."""


# Nodes a template may contain besides names, fields and comparisons' operands: text, output,
# if / elif / else, and / or / not, comparisons, `~` and literal constants.
_STRUCTURE = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.If, nodes.CondExpr, nodes.Not,
              nodes.And, nodes.Or, nodes.Compare, nodes.Operand, nodes.Concat, nodes.Tuple, nodes.List)
_TESTS = frozenset({"none", "defined", "undefined", "true", "false"})
_WHAT = {nodes.For: gettext_lazy("循环 {% for %}"), nodes.Assign: gettext_lazy("赋值 {% set %}"),
         nodes.AssignBlock: gettext_lazy("赋值 {% set %}"), nodes.Macro: gettext_lazy("宏 {% macro %}"),
         nodes.CallBlock: "{% call %}", nodes.Include: gettext_lazy("引用其他模板 {% include %}"),
         nodes.Import: gettext_lazy("引用其他模板 {% import %}"), nodes.FromImport: gettext_lazy("引用其他模板 {% from %}"),
         nodes.Extends: gettext_lazy("引用其他模板 {% extends %}"), nodes.Block: "{% block %}", nodes.With: "{% with %}",
         nodes.FilterBlock: "{% filter %}", nodes.ScopedEvalContextModifier: "{% autoescape %}"}


def _describe(node):
    """The expression as the user wrote it, for the message (case.__class__, cycler, case['x'] …)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_describe(node.node)}[{_describe(node.arg)}]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Call):
        return f"{_describe(node.node)}()"
    if isinstance(node, nodes.Filter):
        return f"{_describe(node.node) if node.node else ''}|{node.name}"
    return "…"


def _unknown_field(what):
    raise TemplateRefused(_("模板使用了未提供的字段：%(field)s") % {"field": what})


def _unsupported(what):
    raise TemplateRefused(_("模板使用了不支持的写法：%(what)s（模板只能使用列出的字段和 {%% if %%} 判断）") % {"what": what})


def check_template_ast(node):
    """Refuse (TemplateRefused) any node outside the grammar above. Sub-expressions are checked
    before calls and subscripts, so the message names the first field that does not exist
    (`case.__class__`), not the call at the end of the chain."""
    if isinstance(node, nodes.Getattr):
        _check_base(node.node)
        if _describe(node) not in FIELD_NAMES:
            _unknown_field(_describe(node))
        return
    if isinstance(node, nodes.Name):
        if node.ctx != "load" or node.name not in TOP_NAMES:
            _unknown_field(node.name)
        return
    if isinstance(node, nodes.Call):
        check_template_ast(node.node)
        raise TemplateRefused(_("模板中不允许调用函数或方法：%(call)s") % {"call": _describe(node.node)})
    if isinstance(node, nodes.Getitem):
        _check_base(node.node)
        _unknown_field(_describe(node))
    if isinstance(node, nodes.Filter):
        if node.node is not None:
            check_template_ast(node.node)
        _unsupported(_("过滤器 |%(name)s") % {"name": node.name})
    if isinstance(node, nodes.Test):
        check_template_ast(node.node)
        if node.name not in _TESTS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            _unsupported(f"is {node.name}")
        return
    if not isinstance(node, _STRUCTURE):
        _unsupported(_WHAT.get(type(node), type(node).__name__))
    for child in node.iter_child_nodes():
        check_template_ast(child)


def _check_base(node):
    """The object left of `.attr` / `[key]`: `case` itself is fine there (and only there)."""
    if not (isinstance(node, nodes.Name) and node.ctx == "load" and node.name == "case"):
        check_template_ast(node)


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with no globals, no filters and no tests beyond _TESTS; every source
    it compiles is first parsed and passed through check_template_ast, so a refused template never
    runs, whichever part of the DOCX (body, header, footer, footnote, property) it sits in."""

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined)  # a blocked attribute raises, not ""
        self.globals.clear()
        self.filters = {}
        self.tests = {name: test for name, test in self.tests.items() if name in _TESTS}

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        check_template_ast(source)
        return super().compile(source, name, filename, raw, defer_init)


def sandbox():
    return TemplateEnvironment()


def validate_template(content):
    """Refuse an upload docxtpl cannot render (not a DOCX, broken template tags), or one that uses
    anything but FIELDS: the variables docxtpl reports, then a trial rendering in the sandbox, which
    runs the syntax-tree check over every part docxtpl would render."""
    from docxtpl import DocxTemplate
    env = sandbox()
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        unknown = tpl.get_undeclared_template_variables(env) - TOP_NAMES - {"case"}
        if unknown:
            _unknown_field("、".join(sorted(unknown)))
        tpl.render(_sample_context(), jinja_env=env, autoescape=True)
    except TemplateRefused as exc:
        raise ValidationError(str(exc)) from None
    except Exception as exc:  # zip / XML / Jinja syntax errors all mean "cannot use this file"
        raise ValidationError(_("模板文件无法使用：不是有效的 DOCX 文件或模板标记有误（%(error)s）。")
                              % {"error": type(exc).__name__}) from None


def document_number(case, kind):
    """The 发文字号 of this case's document of this kind, issued once (core.gongwen.issue_number with a
    register key) and the same on every later download."""
    from ipdesk.core.gongwen import issue_number, office_code
    return issue_number(kind, key=f"protection.{case._meta.model_name}:{case.pk}:{kind}",
                        prefix=office_code() + NUMBER_SUFFIX.get(kind, ""))


def _doc_number(template, env, case):
    """Only a template that prints {{ doc_number }} takes a number, so the sequence has no gaps for
    documents that never showed theirs; and it is first rendered with the placeholder values, which runs
    the full check over every part, so a template the check refuses raises here before taking a number."""
    from docxtpl import DocxTemplate
    probe = DocxTemplate(io.BytesIO(bytes(template.content)))
    if "doc_number" not in probe.get_undeclared_template_variables(env):
        return ""
    probe.render(_sample_context(), jinja_env=env, autoescape=True)
    return document_number(case, template.kind)


def render(template, case):
    """DOCX bytes of `template` filled with the case, in the sandbox; a stored template that fails the
    check (uploaded before it existed, or written to the database directly) is refused, not run."""
    from docxtpl import DocxTemplate
    tpl = DocxTemplate(io.BytesIO(bytes(template.content)))
    env = sandbox()
    try:
        tpl.render(case_context(case, doc_number=_doc_number(template, env, case)), jinja_env=env, autoescape=True)
    except TemplateRefused as exc:
        raise ValidationError(_("文书模板「%(name)s」无法使用：%(error)s。请在“文书模板”中重新上传符合要求的模板。")
                              % {"name": template.name, "error": exc}) from None
    except TemplateError as exc:
        raise ValidationError(_("文书模板「%(name)s」填充失败：%(error)s") % {"name": template.name, "error": exc}) from None
    except Exception as exc:
        raise ValidationError(_("文书模板「%(name)s」填充失败（%(error)s）。") % {"name": template.name,
                                                                            "error": type(exc).__name__}) from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
