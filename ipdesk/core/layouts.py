"""The layouts of the files officers actually get (专利检索导出、企业登记数据 …), told apart by their header set.

One small declarative table: a layout is a name, the record types it feeds, and its signature — headers that
must all be present (any spelling of brackets, width, case and spaces; a header such as 申请人/专利权人 counts
as written and as each of its parts). The most specific layout that matches (the most signature headers) is
named in the import report: "识别为：incoPat 导出". Recognising a layout changes nothing in how rows are read —
headers are always matched through the fields' aliases (core.imports) — it tells the officer that the file was
understood as what it is, and which layout's known quirks apply.

Sources: the signatures are taken from the column names these exports are described with in issue 15 (a CNIPA
patent-search export, a CNIPR export, a crawler of the CNIPA search system, incoPat / PatSnap dumps, CNIPA
legal-status data, a provincial enterprise registry). They were NOT checked against the vendors' own field
lists (待核对 / not verified: incoPat, PatSnap, Innojoy and CNIPR publish their export fields only inside
their products); a layout whose signature is wrong is simply not named, the import itself is unaffected.
"""
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_   # names are translated where shown


def fold(text_value):
    """The same folding as core.imports._fold: width, case, spaces and punctuation (（）/() …) removed."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text_value or "")).lower())


@dataclass(frozen=True)
class Layout:
    name: str            # shown as 识别为：<name>
    kinds: tuple         # the ImportSpec names it feeds
    signature: tuple     # headers that must all be present


LAYOUTS = (
    # 国家知识产权局 专利检索及分析系统 (pss-system) 导出 — 待核对
    Layout(N_("国家知识产权局专利检索系统导出"), ("patents",),
           ("申请号", "申请日", "公开（公告）号", "公开（公告）日", "发明名称", "申请（专利权）人")),
    # a crawler of the CNIPA search pages writes the two combined headers (issue 15)
    Layout(N_("国家知识产权局检索页面抓取数据"), ("patents",), ("申请号", "申请人/专利权人", "申请公布日/授权公告日")),
    # CNIPR (中国知识产权网) — 待核对
    Layout(N_("CNIPR 导出"), ("patents",), ("申请号", "名称", "申请（专利权）人", "发明（设计）人", "国省代码")),
    # incoPat — 待核对
    Layout(N_("incoPat 导出"), ("patents",), ("申请号", "标题", "申请人", "当前权利人", "法律状态")),
    Layout(N_("incoPat 导出"), ("patents",), ("申请号", "标题", "合享价值度")),
    # PatSnap / 智慧芽: Chinese headers, and the English field keys (APN, PN, ANCS, APD, PBD …) — 待核对
    Layout(N_("PatSnap（智慧芽）导出"), ("patents",), ("申请号", "当前申请（专利权）人", "简单法律状态")),
    Layout(N_("PatSnap（智慧芽）导出（英文字段）"), ("patents",), ("APN", "PN", "TITLE", "ANCS", "APD")),
    # Innojoy (大为) — 待核对
    Layout(N_("Innojoy（大为）导出"), ("patents",), ("申请号", "名称", "申请人", "申请人地址", "第一申请人", "专利类型")),
    # 国家知识产权局 法律状态数据 (one row per legal-status event) — 待核对
    Layout(N_("国家知识产权局法律状态数据"), ("events",), ("申请号", "法律状态公告日", "法律状态")),
    # 市场监管部门 企业登记信息 (a provincial registry) — 待核对
    Layout(N_("市场监管企业登记数据"), ("enterprises",), ("统一社会信用代码", "企业名称", "法定代表人", "登记机关")),
    Layout(N_("市场监管企业登记数据"), ("enterprises",), ("统一社会信用代码", "企业名称", "所在省份", "所在城市")),
    # what ipdesk's own list exports write (the first alias of every field)
)

NO_HEADER = N_("无表头文件（按指定的列映射读取）")


def _present(headers):
    """Every folded header, and each part of a header written with / (申请人/专利权人)."""
    found = set()
    for header in headers:
        if header is None or header == "":
            continue
        found.add(fold(header))
        if isinstance(header, str) and re.search(r"[/／]", header):
            found.update(fold(part) for part in re.split(r"[/／]", header) if part.strip())
    return found


def recognise(kind, headers, own_headers=()):
    """The name of the layout `headers` (the header row as read) belong to for ImportSpec `kind`, or "".
    `own_headers`: the spec's canonical headers — a file holding most of them is ipdesk's own export/template."""
    present = _present(headers)
    best, best_size = "", 0
    for layout in LAYOUTS:
        if kind not in layout.kinds:
            continue
        wanted = {fold(h) for h in layout.signature}
        if wanted <= present and len(wanted) > best_size:
            best, best_size = layout.name, len(wanted)
    if not best and own_headers:
        own = {fold(h) for h in own_headers}
        if len(own & present) >= max(2, (len(own) + 1) // 2):
            best = N_("本系统导入模板 / 导出文件")
    return best
