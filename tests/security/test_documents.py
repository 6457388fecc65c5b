"""Attack: code execution through an uploaded Word template (docxtpl / Jinja server-side template injection).

A city officer uploads a DOCX whose text reaches Python objects through the template
(`{{ case.__class__.__init__.__globals__ ... popen('id') }}`); whoever then downloads a case document
would get the output of `id`. Templates may use only the documented fields (protection.documents.FIELDS),
checked at upload and again, in a sandbox, every time a stored template renders."""
import datetime
import html
import io

import pytest
from docx import Document

from ipdesk.core.scoping import Role
from ipdesk.protection import actions
from ipdesk.protection.models import AdjudicationCase, DocumentTemplate

D = datetime.date
pytestmark = pytest.mark.django_db

RCE = "{{ case.__class__.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}"


def _docx(*paragraphs, title=None, header=None):
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if title is not None:
        doc.core_properties.title = title
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _upload(content, name="t.docx"):
    f = io.BytesIO(content)
    f.name = name
    return f


def _docx_text(content):
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    parts.append(doc.core_properties.title or "")
    return "\n".join(parts)


@pytest.fixture
def popen_calls(monkeypatch):
    """Records any os.popen / os.system call, so a test can prove nothing was executed at all."""
    import os
    calls = []
    monkeypatch.setattr(os, "popen", lambda *a, **k: calls.append(a) or io.StringIO("uid=0(root) gid=0(root)"))
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a) or 0)
    return calls


@pytest.fixture
def decided_case(users, regions, make_user):
    """An adjudication of 薛城区, filed, heard and decided, so every document kind is available."""
    panel = [make_user(f"panel{i}", Role.DISTRICT_OFFICER, "370403") for i in range(3)]
    ent = users["enterprise"].enterprise
    case = AdjudicationCase.objects.create(title="侵犯实用新型专利权纠纷", requester=ent, requester_name=ent.name,
                                           respondent_name="某五金经营部", respondent_address="枣庄市薛城区某路1号",
                                           patent_no="201710601862.3", region=regions["370403"],
                                           claims="判令被请求人停止销售侵权产品", received_on=D(2024, 5, 17))
    actions.register(case, users["district"])
    officer = users["district"]
    actions.transition(case, "filed", officer, date=D(2024, 5, 21), handlers=[p.pk for p in panel])
    actions.transition(case, "answered", officer, date=D(2024, 6, 3), note="答辩")
    actions.transition(case, "heard", officer, date=D(2024, 6, 12))
    actions.transition(case, "decided", officer, date=D(2024, 6, 28), infringement_found="true",
                       result="责令被请求人立即停止销售侵权产品")
    case.refresh_from_db()
    return case


# ---- Refused at upload ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, field", [
    (RCE, "case.__class__"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "cycler"),
    ("{{ self.__init__.__globals__ }}", "self"),
    ("{{ case.number.upper() }}", "case.number.upper"),
    ("{{ case['__class__'] }}", "case['__class__']"),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}", "lipsum"),
    ("{% set x = case %}{{ x }}", None),
    ("{{ case.nonexistent }}", "case.nonexistent"),
])
def test_upload_of_a_template_reaching_beyond_the_fields_is_refused(clients, popen_calls, text, field):
    response = clients["city"].post("/protection/templates/add/", {
        "kind": "filing_notice", "name": "恶意模板", "is_active": "on", "upload": _upload(_docx("通知 " + text))})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200, "the upload was accepted"
    assert not DocumentTemplate.objects.filter(name="恶意模板").exists()
    if field:
        assert f"模板使用了未提供的字段：{field}" in body or f"模板中不允许调用函数或方法：{field}" in body, body[-3000:]
    else:
        assert "模板使用了不支持的写法：赋值 {% set %}" in body
    assert popen_calls == []


def test_upload_checks_every_part_docxtpl_renders(clients, popen_calls):
    """docxtpl also renders headers, footers and the document properties (title, author …)."""
    for content in (_docx("正文 {{ case.number }}", title=RCE), _docx("正文 {{ case.number }}", header=RCE)):
        response = clients["city"].post("/protection/templates/add/", {
            "kind": "filing_notice", "name": "恶意模板", "is_active": "on", "upload": _upload(content)})
        assert response.status_code == 200
        assert "模板使用了未提供的字段：case.__class__" in response.content.decode()
    assert not DocumentTemplate.objects.filter(name="恶意模板").exists() and popen_calls == []


def test_upload_of_a_template_using_documented_fields_is_accepted(clients, decided_case):
    from ipdesk.protection.documents import FIELDS
    text = "；".join("{{ %s }}" % name for name, _label in FIELDS)
    response = clients["city"].post("/protection/templates/add/", {
        "kind": "decision", "name": "全字段", "is_active": "on", "upload": _upload(_docx(
            text, "{% if case.infringement_found %}构成{% else %}不构成{% endif %}侵权"))})
    assert response.status_code == 302, response.content.decode()[-2000:]
    doc = clients["district"].get(f"/protection/adjudications/{decided_case.pk}/documents/decision/")
    assert doc.status_code == 200
    text = _docx_text(doc.content)
    assert decided_case.number in text and "构成侵权" in text and "2024年6月28日" in text


def test_the_form_page_lists_the_available_fields(clients):
    body = clients["city"].get("/protection/templates/add/").content.decode()
    assert "case.respondent_name" in body and "被请求人" in body and "case.infringement_found" in body


# ---- A stored malicious template never executes -------------------------------------------------------
def test_stored_malicious_template_does_not_execute_on_download(clients, decided_case, popen_calls):
    DocumentTemplate.objects.create(kind="decision", name="库内恶意模板", is_active=True,
                                    content=_docx("裁决书 " + RCE, header=RCE))
    response = clients["district"].get(f"/protection/adjudications/{decided_case.pk}/documents/decision/",
                                       follow=True)
    body = response.content
    assert b"uid=" not in body and popen_calls == []
    assert not response.get("Content-Type", "").endswith("wordprocessingml.document")
    assert "文书模板「库内恶意模板」无法使用" in body.decode() and "case.__class__" in body.decode()


def test_stored_template_renders_in_the_sandbox(decided_case, popen_calls):
    """Even a template that got past the checks (e.g. stored before them) renders only in the sandbox."""
    from django.core.exceptions import ValidationError

    from ipdesk.protection import documents
    template = DocumentTemplate(kind="decision", name="旧模板", content=_docx(RCE))
    with pytest.raises(ValidationError) as info:
        documents.render(template, decided_case)
    assert "case.__class__" in " ".join(info.value.messages)
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    env = documents.sandbox()
    assert isinstance(env, ImmutableSandboxedEnvironment) and not env.globals and not env.filters

    def unchecked(source):   # the sandbox by itself, compiled without the syntax-tree check
        code = ImmutableSandboxedEnvironment.compile(env, source)
        return env.template_class.from_code(env, code, env.make_globals(None), None)
    with pytest.raises(SecurityError):
        unchecked("{{ c.__class__ }}").render(c=decided_case)
    with pytest.raises(SecurityError):
        unchecked("{{ c.number.__class__.__mro__ }}").render(c=decided_case)
    context = documents.case_context(decided_case)   # plain values only, never the model instance
    assert all(isinstance(v, str) for k, v in context.items() if k != "case")
    assert all(isinstance(v, (str, bool, type(None))) for v in vars(context["case"]).values())
    assert popen_calls == []


# ---- The shipped templates still work ------------------------------------------------------------------
def test_default_templates_render_with_the_case_values(clients, decided_case):
    from ipdesk.protection.documents import DEFAULT_TEMPLATE_NAMES, default_template_bytes, validate_template
    for kind in DEFAULT_TEMPLATE_NAMES:
        validate_template(default_template_bytes(kind))   # the shipped ones pass the upload check
    decided_case.filed_on = D(2024, 5, 21)
    texts = {}
    for kind in ("filing_notice", "decision"):
        response = clients["district"].get(f"/protection/adjudications/{decided_case.pk}/documents/{kind}/")
        assert response.status_code == 200 and response.content[:2] == b"PK", kind
        texts[kind] = _docx_text(response.content)
    filing, decision = texts["filing_notice"], texts["decision"]
    for text in (filing, decision):
        assert decided_case.number in text and decided_case.requester_name in text and "某五金经营部" in text
        assert "201710601862.3" in text and "panel0" in text and "2024年5月17日" in text and "2024年5月21日" in text
        assert "{{" not in text
    assert "枣庄市薛城区某路1号" in decision and "判令被请求人停止销售侵权产品" in decision
    assert "被请求人的行为构成专利侵权" in decision and "责令被请求人立即停止销售侵权产品" in decision
    assert "2024年6月12日" in decision and "2024年6月28日" in decision


def test_the_template_page_lists_the_available_fields(clients):
    template = DocumentTemplate.objects.get(kind="decision")
    body = clients["district"].get(f"/protection/templates/{template.pk}/").content.decode()
    assert 'data-testid="template-fields"' in body and "{{ case.patent_no }}" in body and "涉案专利号" in body
