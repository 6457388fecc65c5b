"""Import templates (导入模板): one XLSX per record type, built from its ImportSpec — never kept by hand.

Sheet 1 holds the canonical headers (each field's first alias: what exports write and imports read back), required
columns marked red; sheet 说明 lists every column: required or not, the format, an example, the accepted
vocabulary (from the field's choice parser) and the other spellings accepted for the header. The same template
serves the upload page (/import/<kind>/template.xlsx) and `ipdesk import KIND --template OUT.xlsx`.
"""
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .imports import parse_bool, parse_date, parse_decimal, parse_int, raw_text, text

# (format, example) by parser, for the fields whose parser tells the shape of the value
_BY_PARSER = {
    parse_date: (_lazy("日期"), _lazy("2022-01-05（也可 2022/1/5、20220105、2022年1月5日、Excel 日期）")),
    parse_int: (_lazy("整数"), "12"),
    parse_decimal: (_lazy("数字"), "100.5"),
    parse_bool: (_lazy("是/否"), "是"),   # the value a cell holds (parse_bool reads 是/否, yes/no, 1/0)
    raw_text: (_lazy("长文本"), ""),
    text: (_lazy("文本"), ""),
}
# examples by field name (the identifiers of SPEC section 4); the examples are values as a file holds them
_BY_NAME = {
    "application_no": (_lazy("专利申请号：12位+“.”+校验位（也接受 CN/ZL 前缀、无点号、8位旧号）"), "201710601862.3"),
    "uscc": (_lazy("统一社会信用代码：18位（GB 32100-2015）"), "91110000600037341L"),
    "region_code": (_lazy("行政区划代码：6位，或功能区代码"), "370402"),
    "publication_no": (_lazy("公开（公告）号，末尾为种类代码"), "CN107555555A"),
    "patent_type": (_lazy("发明 / 实用新型 / 外观设计，或种类代码 A/B/C/U/Y/S/D"), "发明"),
    "legal_status": (_lazy("法律状态"), "有效"),
    "country_code": (_lazy("国省代码：省代码或国家代码"), "37"),
    "ipc_main": (_lazy("IPC 分类号"), "H01M 10/0525"),
    "applicants": (_lazy("多个名称以 ； 或 、 分隔"), "枣庄某某科技有限公司；张三"),
    "title": (_lazy("文本"), "一种锂电池隔膜"),
    "name": (_lazy("文本"), "枣庄某某科技有限公司"),
    "address": (_lazy("文本"), "山东省枣庄市薛城区泰山路1号"),
    "registration_no": (_lazy("商标注册号：数字"), "12345678"),
    "nice_class": (_lazy("尼斯分类：1–45"), "9"),
    "tags": (_lazy("多个标签以 、 分隔"), "专精特新、高新技术企业"),
}


def describe(field):
    """(format, example, vocabulary) of one import field, for the 说明 sheet and the upload page."""
    vocabulary = "、".join(getattr(field.parse, "vocabulary", ()) or ())
    fmt, example = _BY_NAME.get(field.name) or _BY_PARSER.get(field.parse) or (_("文本"), "")
    if field.name not in _BY_NAME and field.parse not in _BY_PARSER and vocabulary:
        fmt = _("从可用值中选填")
    fmt, example = str(fmt), str(example)
    if field.help:
        fmt = _("%(format)s；%(help)s") % {"format": fmt, "help": field.help}
    return fmt, example, vocabulary


def build_template(spec):
    """The XLSX template of an ImportSpec, as bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = (_("%(label)s导入") % {"label": spec.label})[:31]
    ws.append([f.header for f in spec.fields])
    required_font, fill = Font(bold=True, color="C00000"), PatternFill("solid", fgColor="F2F2F2")
    for index, f in enumerate(spec.fields, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = required_font if f.required else Font(bold=True)
        cell.fill = fill
        cell.number_format = "@"
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(f.header) * 2 + 4)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet(_("说明"))
    notes.append([_("列名"), _("必填"), _("格式"), _("示例"), _("可用值"), _("也可写作")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
    for f in spec.fields:
        fmt, example, vocabulary = describe(f)
        notes.append([f.header, _("是") if f.required else _("否"), fmt, example, vocabulary,
                      " / ".join(str(a) for a in f.aliases[1:])])
    for letter, width in zip("ABCDEF", (18, 6, 40, 30, 40, 50)):
        notes.column_dimensions[letter].width = width
    notes.append([])
    notes.append([_("第一个工作表的第一行为表头，从第二行起每行一条%(label)s记录；列的顺序不限，不需要的非必填列可删除。")
                  % {"label": spec.label}])
    notes.append([_("文件可保存为 XLSX、XLS 或 CSV（UTF-8 或 GB18030）；同一文件重复导入不会产生变化。")])
    # every value entering the workbook is data, never a formula (openpyxl reads a leading = as one)
    for sheet in (ws, notes):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_filename(spec):
    return f"{spec.name}-import-template.xlsx"


def write_template(spec, path):
    with open(path, "wb") as fh:
        fh.write(build_template(spec))
