"""Demo registry for Zaozhuang (枣庄): enterprises, patents 2009–2022, trademarks and GI products.

`load(stdout)` is called by `ipdesk load_demo` and is idempotent (it does nothing when the demo
patents are already there). The data is generated from a fixed seed and shaped so that the
indicator functions of ipdesk.stats reproduce the 2022 figures of the press conference (SPEC
section 6) and their 2021 base:

- invention patents granted to domestic holders in the city: 649 in 2021, 685 in 2022 (+5.5%);
- valid invention patents at year end: 2,796 (2021) and 3,252 (2022) (+16.3%), after lapses,
  invalidations, restorations and transfers into, out of and within the city;
- PCT international applications: 11 (2021) and 18 (2022) (+63.6%).

It also carries what makes those figures non-trivial to compute: transfers between districts,
lapses followed by restorations, foreign / Hong Kong / Taiwan holders with a local address, and
foreign PCT national-phase entries — none of which may be counted as the city's own.
Records are written with bulk_create (a few thousand rows in well under a second or two), with
one summary audit entry, as core.audit asks for bulk writes.
"""
import datetime as dt
import random

from ipdesk.core import audit
from ipdesk.core.models import AuditAction

from .choices import CultivationTier, LegalStatus, PatentEventKind, PatentType, TrademarkStatus
from .models import CultivationMembership, Enterprise, GIProduct, Patent, PatentEvent, PctApplication, Trademark
from .rules import _app_check, normalize_name, uscc_check_char

SEED = 2022
D = dt.date
END_2021, END_2022 = D(2021, 12, 31), D(2022, 12, 31)

# Domestic invention grants held in the city at the grant date, per grant year.
INVENTION_GRANTS = {2012: 180, 2013: 210, 2014: 250, 2015: 300, 2016: 340, 2017: 380, 2018: 430, 2019: 480,
                    2020: 560, 2021: 649, 2022: 685}
# Domestic PCT international applications per filing year.
PCT_APPLICATIONS = {2016: 2, 2017: 3, 2018: 4, 2019: 5, 2020: 7, 2021: 11, 2022: 18}
# How the stock moves (see the module docstring): granted before 2022 and…
LOST_BY_2021 = 997          # …lapsed / invalidated / moved out of the city by the end of 2021, still gone in 2022
RESTORED_2022 = 6           # …lapsed in 2021 and restored in 2022
LOST_IN_2022 = 240          # …counted at the end of 2021, gone by the end of 2022
GRANTED_2022_MOVED_OUT = 3  # granted in 2022 and transferred out of the city the same year
MOVED_IN_BY_2021 = 20       # granted elsewhere, transferred into the city by the end of 2021
MOVED_IN_2022 = 8           # granted elsewhere, transferred into the city in 2022

REGION_WEIGHTS = [("370481", 35), ("370402", 15), ("370403", 12), ("370400-GX", 12), ("370404", 10),
                  ("370405", 8), ("370406", 8)]
REGION_WORDS = {"370481": "滕州", "370402": "枣庄", "370403": "薛城", "370400-GX": "枣庄高新区", "370404": "峄城",
                "370405": "台儿庄", "370406": "山亭"}
BRANDS = ["鲁南", "金宇", "华威", "恒泰", "瑞丰", "鑫源", "泰和", "中联", "东方", "丰源", "力源", "宏达", "润丰", "海纳",
          "天衢", "汉诺", "益康", "凯瑞", "远航", "博科", "信诚", "荣信", "通达", "正大", "新华", "聚能", "百盛", "明珠",
          "永盛", "建华", "兴业", "昊天", "众成", "同泰", "嘉德", "华宇", "锦程", "凯盛", "盛泰", "伟业"]
TRADES = {"EV": ["锂电", "新能源", "储能科技"], "EQUIP": ["机床", "重工机械", "智能装备"], "MAT": ["新材料", "碳素", "特种材料"],
          "MED": ["制药", "生物科技", "医疗器械"], "ICT": ["电子科技", "信息技术", "软件"], "CHEM": ["化工", "煤化工", "精细化工"],
          "TOUR": ["文化旅游", "文创"], "LOGI": ["物流", "供应链"], "AGRI": ["食品", "农业科技", "酿造"]}
CHAIN_WEIGHTS = [("EV", 12), ("EQUIP", 22), ("MAT", 14), ("MED", 10), ("ICT", 10), ("CHEM", 14), ("TOUR", 3),
                 ("LOGI", 4), ("AGRI", 11)]
# IPC and SUBJECTS are still drawn from (the random sequence of the calibrated figures); TOPICS below decide.
IPC = {"EV": ["H01M 10/0525", "H01M 4/62", "H02J 7/00"], "EQUIP": ["B23Q 1/00", "B23B 31/00", "F16H 1/28", "G05B 19/414"],
       "MAT": ["C04B 35/52", "C08L 23/06", "C22C 38/02"], "MED": ["A61K 36/00", "A61P 35/00", "C07D 401/04"],
       "ICT": ["G06F 16/00", "H04L 67/00", "G06N 3/04"], "CHEM": ["C07C 29/15", "C01B 3/00", "B01J 23/00"],
       "TOUR": ["A63G 31/00", "B44C 1/00"], "LOGI": ["B65G 1/137", "G06Q 10/08"], "AGRI": ["A23L 19/00", "A01G 9/00", "C12G 3/02"]}
# The chains whose patents the demo once marked strategic by the holder's chain (kept so that the random
# sequence, and with it every calibrated figure, stays as it was).
OLD_STRATEGIC_CHAINS = ("EV", "EQUIP", "MAT", "MED", "ICT")
# What the demo patents are about: (title subject, main IPC) per chain, drawn from their own random
# sequence. Strategic emerging industry is decided per patent by registry.sei with the 2021 table
# (国知办函规字〔2021〕121号): the topics marked SEI below fall in a branch by their IPC (and, for the rules
# with keywords, the keyword in the title), the others in none — so the demo city's high-value share
# comes out near the national one (about 40%, SPEC section 3) instead of 79% when every patent of a
# "strategic" chain counted (issue 16).
TOPICS = {
    "EV": [("车用锂离子电池正极材料的制备方法", "H01M 10/0525"),        # SEI 5.2 (keyword 汽车)
           ("光伏储能电池充电控制系统", "H02J 7/35"),                     # SEI 6.3 (IPC only)
           ("锂离子电池正极材料的制备方法", "H01M 4/62"), ("储能电池管理系统", "H01M 10/42"),
           ("电池模组散热结构", "H01M 10/613")],
    "EQUIP": [("无人堆场智能控制系统", "G05B 19/414"),                  # SEI 2.1 (keyword 无人堆场智能控制)
              ("园艺机具用机械手控制方法", "B25J 9/16"),                  # SEI 2.1 (keyword 园艺机具)
              ("数控机床主轴装置", "B23Q 1/00"), ("高精度夹具", "B23B 31/00"), ("齿轮箱传动机构", "F16H 1/28"),
              ("液压升降平台", "B66F 7/00")],
    "MAT": [("碳化硅功能陶瓷的制备方法", "C04B 35/565"),                 # SEI 3.4 (keyword 功能陶瓷)
            ("石墨烯导电浆料的制备方法", "C01B 32/184"),                  # SEI 3.4 (IPC only)
            ("高分子复合材料", "C08L 23/06"), ("耐磨合金钢", "C22C 38/02"), ("建筑用保温砂浆", "C04B 28/04")],
    "MED": [("化学药品原料药的合成方法", "C07D 401/04"),                 # SEI 4.1 (keyword 化学药品原料药)
            ("中药组合物及其制备方法", "A61K 36/00"), ("医用导管", "A61M 25/00"), ("中药提取装置", "A61J 1/00")],
    "ICT": [("基于自然语言处理的文本分类方法", "G06F 40/30"),            # SEI 1.5 (IPC only)
            ("基于区块链的数据存证方法", "H04L 9/32"),                     # SEI 1.3 (keyword 区块链)
            ("基于生物特征识别的身份认证方法", "G06N 3/08"),              # SEI 1.5 (keyword 生物特征识别)
            ("数据处理方法及装置", "G06F 16/00"), ("物联网通信方法", "H04L 67/00")],
    "CHEM": [("负载型催化剂的制备方法", "B01J 37/00"),                   # SEI 3.3 (IPC only)
             ("甲醇合成工艺", "C07C 29/15"), ("废水处理方法", "C02F 9/00"), ("煤焦油加氢工艺", "C10G 45/00"),
             ("聚氯乙烯树脂的干燥工艺", "C08F 6/00")],
    "TOUR": [("游乐设施", "A63G 31/00"), ("工艺品装饰结构", "B44C 1/00")],
    "LOGI": [("仓储分拣装置", "B65G 1/137"), ("物流调度方法", "G06Q 10/08")],
    "AGRI": [("生物农药组合物", "A01N 63/00"),                            # SEI 4.3 (IPC only)
             ("红枣深加工方法", "A23L 19/00"), ("石榴汁饮料及其制备方法", "A23L 2/02"), ("温室种植装置", "A01G 9/14"),
             ("白酒酿造工艺", "C12G 3/02")],
}
SUBJECTS = {"EV": ["锂离子电池正极材料的制备方法", "储能电池管理系统", "电池模组散热结构"],
            "EQUIP": ["数控机床主轴装置", "高精度夹具", "齿轮箱传动机构", "智能控制系统"],
            "MAT": ["碳化硅陶瓷制备方法", "高分子复合材料", "耐磨合金钢"],
            "MED": ["中药组合物及其制备方法", "抗肿瘤化合物", "医用导管"],
            "ICT": ["数据处理方法及装置", "物联网通信方法", "图像识别方法"],
            "CHEM": ["甲醇合成工艺", "催化剂及其制备方法", "废水处理方法"],
            "TOUR": ["游乐设施", "工艺品装饰结构"], "LOGI": ["仓储分拣装置", "物流调度方法"],
            "AGRI": ["红枣深加工方法", "石榴汁饮料及其制备方法", "温室种植装置"]}
OUTSIDE_HOLDERS = ["济南齐鲁创新科技有限公司", "青岛海岸智能装备有限公司", "徐州淮海机械有限公司", "北京中科未来技术有限公司",
                   "上海浦江新材料有限公司", "临沂沂蒙化工有限公司", "济宁运河电子有限公司"]
NON_DOMESTIC = [("香港华润创新科技有限公司", "81"), ("台湾鸿海精密工业股份有限公司", "71"), ("SIEMENS AG", "DE"),
                ("KOMATSU LTD.", "JP"), ("澳门永利科技有限公司", "82"), ("3M INNOVATIVE PROPERTIES COMPANY", "US")]
GI_PRODUCTS = [("店子长红枣", "370481", "地理标志产品保护"), ("山亭火樱桃", "370406", "地理标志证明商标"),
               ("伏里土陶", "370405", "地理标志证明商标")]

N_ENTERPRISES = 320


class _Numbers:
    """Application numbers with correct check digits (ZC 0006-2003): YYYY T NNNNNNN . C"""

    def __init__(self):
        self.serial = 0

    def next(self, year, type_digit):
        self.serial += 1
        body = f"{year}{type_digit}{1000000 + self.serial:07d}"
        return f"{body}.{_app_check(body)}"


def _day(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _pick(rng, items, k, weight=lambda item: 1.0):
    """k items without replacement, weighted (Efraimidis–Spirakis keys)."""
    keyed = sorted(items, key=lambda item: -(rng.random() ** (1.0 / weight(item))))
    return keyed[:k]


def load(stdout=None):
    from ipdesk.regions.models import IndustryChain, Region

    first = [f"91{code[:6]}MA0000001" for code, _ in REGION_WEIGHTS]
    if Enterprise.objects.filter(uscc__in=[body + uscc_check_char(body) for body in first]).exists():
        if stdout:
            stdout.write("  registry demo already loaded")
        return
    numbers = _Numbers()
    rng = random.Random(SEED)
    topic_rng = random.Random(SEED + 16)   # titles and IPC codes (issue 16): apart, so the rest is unchanged
    from .sei import fields_for, match_for, rules_in_use
    sei_rules = rules_in_use()
    regions = {r.code: r for r in Region.objects.filter(code__in=[c for c, _ in REGION_WEIGHTS])}
    chains = {c.code: c for c in IndustryChain.objects.all()}

    # ---- Enterprises ------------------------------------------------------------------------
    enterprises, used_names = [], set()
    for n in range(1, N_ENTERPRISES + 1):
        code = _weighted(rng, REGION_WEIGHTS)
        chain = _weighted(rng, CHAIN_WEIGHTS)
        while True:
            name = f"{rng.choice([REGION_WORDS[code], '枣庄', '山东'])}{rng.choice(BRANDS)}{rng.choice(TRADES[chain])}" \
                   f"{rng.choice(['有限公司', '有限公司', '股份有限公司', '集团有限公司'])}"
            if name not in used_names:
                used_names.add(name)
                break
        body = f"91{code[:6]}MA{n:07d}"
        enterprises.append(Enterprise(
            uscc=body + uscc_check_char(body), name=name, normalized_name=normalize_name(name), region=regions[code],
            address=f"山东省枣庄市{REGION_WORDS[code]}{rng.choice(['光明路', '黄河路', '泰山路', '长江路', '龙头路'])}{rng.randint(1, 999)}号",
            industry_chain=chains.get(chain), tags=[], legal_representative=rng.choice("王李张刘陈杨赵黄周吴孙") + "先生",
            established=D(rng.randint(1995, 2018), rng.randint(1, 12), rng.randint(1, 28)),
            employees=rng.randint(20, 3000)))
    # Tags: 3 national demonstration + 9 national advantage enterprises, 专精特新, high-tech, key library.
    order = list(range(N_ENTERPRISES))
    rng.shuffle(order)
    for i in order[:3]:
        enterprises[i].tags = ["nat_demo", "hnte", "zjtx"]
    for i in order[3:12]:
        enterprises[i].tags = ["nat_adv", "hnte"]
    for i in order[12:52]:
        enterprises[i].tags = [*enterprises[i].tags, "zjtx"]
    for i in order[:110]:
        if "hnte" not in enterprises[i].tags and rng.random() < 0.7:
            enterprises[i].tags = [*enterprises[i].tags, "hnte"]
    for i in order[40:52]:
        enterprises[i].tags = [*enterprises[i].tags, "key_rights"]
    for i in order[:45]:
        enterprises[i].is_key_enterprise = True
    for e in enterprises:
        e.rd_staff = max(1, e.employees // rng.randint(5, 15))
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    enterprises = list(Enterprise.objects.filter(uscc__in=[e.uscc for e in enterprises]).select_related("region"))
    enterprises.sort(key=lambda e: e.uscc)
    # Bigger innovators hold more patents: a skewed weight per enterprise.
    weights = [(e, (8 if ("nat_demo" in e.tags or "nat_adv" in e.tags) else 1) * rng.paretovariate(1.3))
               for e in enterprises]

    # High-value patent cultivation library 2022: 100 enterprises, 7 pilots, tiers 培育/储备/推荐.
    library = sorted(enterprises, key=lambda e: (-len(e.tags), e.uscc))[:100]
    CultivationMembership.objects.bulk_create([
        CultivationMembership(enterprise=e, year=2022, is_pilot=i < 7,
                              tier=CultivationTier.RECOMMEND if i < 15 else
                              CultivationTier.RESERVE if i < 40 else CultivationTier.CULTIVATE)
        for i, e in enumerate(library)])

    # ---- Patents ----------------------------------------------------------------------------
    patents, events = [], []   # events: (application_no, dict of PatentEvent fields)

    def holder_pick():
        return _weighted(rng, weights)

    def new_patent(ptype, digit, filing, holder=None, **fields):
        holder = holder if holder is not None else holder_pick()
        chain = holder.industry_chain.code if holder.industry_chain else "EQUIP"
        subject = rng.choice(SUBJECTS.get(chain, SUBJECTS["EQUIP"]))
        if ptype == PatentType.DESIGN:
            subject = rng.choice(["包装盒", "机床外壳", "电池箱", "灯具", "茶具"])
        p = Patent(application_no=numbers.next(filing.year, digit), patent_type=ptype, title=f"一种{subject}",
                   applicants=holder.name, current_owner=holder.name, holder=holder, holder_name=holder.name,
                   address=holder.address, region=holder.region, country_code="37", is_domestic=True,
                   ipc_main=rng.choice(IPC.get(chain, IPC["EQUIP"])), filing_date=filing,
                   agency=rng.choice(["枣庄鲁南专利事务所", "济南圣达知识产权代理有限公司", "北京集佳知识产权代理有限公司", ""]))
        if ptype != PatentType.DESIGN:
            subject, p.ipc_main = topic_rng.choice(TOPICS.get(chain, TOPICS["EQUIP"]))
            p.title = f"一种{subject}"
        if ptype == PatentType.INVENTION:
            p.publication_date = filing + dt.timedelta(days=rng.randint(120, 540))
            if chain in OLD_STRATEGIC_CHAINS:
                rng.random()   # was: strategic by the holder's chain (dropped; keeps the random sequence)
            p.overseas_family = rng.random() < 0.03
        for k, v in fields.items():
            setattr(p, k, v)
        for k, v in fields_for(match_for(p.ipc_main, p.title, p.abstract, p.strategic_class, sei_rules)).items():
            setattr(p, k, v)   # bulk_create skips Patent.save, which classifies (registry.sei)
        patents.append(p)
        return p

    def granted_invention(year, holder=None):
        grant = _day(rng, D(year, 1, 1), D(year, 12, 31))
        filing = grant - dt.timedelta(days=rng.randint(500, 1300))
        return new_patent(PatentType.INVENTION, 1, filing, holder, grant_date=grant, legal_status=LegalStatus.VALID)

    # Domestic invention grants in the city, year by year.
    pool = {year: [granted_invention(year) for _ in range(count)] for year, count in INVENTION_GRANTS.items()}
    before_2022 = [p for year in range(2012, 2021) for p in pool[year]]  # granted by 2020: room for a lapse

    def lapse(p, when):
        p.legal_status, p.lapse_date = LegalStatus.LAPSED, when
        events.append((p.application_no, {"kind": PatentEventKind.LAPSE, "date": when, "note": "未缴年费专利权终止"}))

    def invalidate(p, when):
        p.legal_status, p.lapse_date = LegalStatus.REVOKED, when
        events.append((p.application_no, {"kind": PatentEventKind.INVALIDATION, "date": when, "note": "宣告专利权全部无效"}))

    def move_out(p, when, foreign=None):
        owner = foreign[0] if foreign else rng.choice(OUTSIDE_HOLDERS)
        events.append((p.application_no, {"kind": PatentEventKind.TRANSFER, "date": when, "owner_before": p.holder_name,
                                          "owner_after": owner, "region_before_id": p.region_id, "region_after_id": None,
                                          "domestic_after": not foreign}))
        p.current_owner = p.holder_name = owner
        p.holder, p.region = None, None
        p.is_domestic = not foreign
        p.country_code = foreign[1] if foreign else "37"
        p.address = ""

    def move_within(p, when):
        target = rng.choice([e for e, _ in weights if e.region_id != p.region_id])
        events.append((p.application_no, {"kind": PatentEventKind.TRANSFER, "date": when, "owner_before": p.holder_name,
                                          "owner_after": target.name, "region_before_id": p.region_id,
                                          "region_after_id": target.region_id, "domestic_after": True}))
        p.current_owner = p.holder_name = target.name
        p.holder, p.region, p.address = target, target.region, target.address

    age = lambda p: (2022 - p.grant_date.year) ** 1.5  # noqa: E731  (older patents lapse more often)
    chosen = _pick(rng, before_2022, LOST_BY_2021 + RESTORED_2022 + LOST_IN_2022, age)
    lost_by_2021 = chosen[:LOST_BY_2021]
    restored = chosen[LOST_BY_2021:LOST_BY_2021 + RESTORED_2022]
    lost_2022 = chosen[LOST_BY_2021 + RESTORED_2022:]
    for i, p in enumerate(lost_by_2021):
        when = _day(rng, p.grant_date + dt.timedelta(days=200), END_2021)
        if i < 12:
            invalidate(p, when)
        elif i < 37:
            move_out(p, when)
        else:
            lapse(p, when)
    for p in restored:   # 恢复: lapsed for unpaid fees in 2021, rights restored in 2022
        when = _day(rng, D(2021, 3, 1), D(2021, 11, 30))
        events.append((p.application_no, {"kind": PatentEventKind.LAPSE, "date": when, "note": "未缴年费专利权终止"}))
        events.append((p.application_no, {"kind": PatentEventKind.RESTORATION, "date": _day(rng, D(2022, 2, 1), D(2022, 6, 30)),
                                          "note": "专利权恢复"}))
    for i, p in enumerate(lost_2022):
        when = _day(rng, D(2022, 1, 1), END_2022)
        if i == 0:
            move_out(p, when, foreign=NON_DOMESTIC[2])
        elif i < 16:
            move_out(p, when)
        elif i < 18:
            invalidate(p, when)
        else:
            lapse(p, when)
    gone = {p.application_no for p in chosen}
    rest = [p for p in before_2022 + pool[2021] if p.application_no not in gone]
    for p in rest[:10]:   # lapsed and restored before the end of 2021: valid at both year ends
        when = max(p.grant_date + dt.timedelta(days=30), D(2021, 2, 1))
        events.append((p.application_no, {"kind": PatentEventKind.LAPSE, "date": when, "note": "未缴年费专利权终止"}))
        events.append((p.application_no, {"kind": PatentEventKind.RESTORATION, "date": when + dt.timedelta(days=90),
                                          "note": "专利权恢复"}))
    for p in rest[10:70]:   # transfers between districts (counted in the new district from the transfer on)
        move_within(p, _day(rng, p.grant_date + dt.timedelta(days=1), END_2022))
    for p in pool[2022][:GRANTED_2022_MOVED_OUT]:
        move_out(p, _day(rng, p.grant_date + dt.timedelta(days=1), END_2022))

    # Granted elsewhere, transferred into the city (not the city's grants; in its stock from the transfer on).
    for i in range(MOVED_IN_BY_2021 + MOVED_IN_2022):
        target = holder_pick()
        outside = rng.choice(OUTSIDE_HOLDERS)
        p = granted_invention(rng.randint(2014, 2020))
        p.holder, p.region, p.holder_name, p.current_owner = None, None, outside, outside
        when = _day(rng, p.grant_date + dt.timedelta(days=30), END_2021) if i < MOVED_IN_BY_2021 else \
            _day(rng, D(2022, 1, 1), END_2022)
        events.append((p.application_no, {"kind": PatentEventKind.TRANSFER, "date": when, "owner_before": outside,
                                          "owner_after": target.name, "region_before_id": None,
                                          "region_after_id": target.region_id, "domestic_after": True}))
        p.holder, p.region, p.holder_name, p.current_owner, p.address = target, target.region, target.name, \
            target.name, target.address

    # Hong Kong / Macao / Taiwan / foreign holders with a local address: never the city's own figures.
    for name, country in NON_DOMESTIC:
        p = granted_invention(rng.choice([2021, 2022]))
        p.holder, p.holder_name, p.current_owner, p.applicants = None, name, name, name
        p.country_code, p.is_domestic = country, False
    # Foreign PCT national-phase entries (type digit 8) without a city holder.
    for name, country in NON_DOMESTIC[2:5]:
        p = new_patent(PatentType.INVENTION, 8, _day(rng, D(2021, 1, 1), END_2022), is_pct=True,
                       pct_application_no=f"PCT/{country}2020/{rng.randint(10000, 99999):06d}", legal_status=LegalStatus.PENDING)
        p.holder, p.region, p.holder_name, p.current_owner, p.applicants = None, None, name, name, name
        p.country_code, p.is_domestic, p.address = country, False, ""

    # PCT international applications of the city's enterprises (filed with CNIPA as receiving office): their
    # own records (PctApplication, counted by the PCT indicator), each beside the enterprise's CN application
    # on the same invention, filed the same day (the draws are those of the earlier demo, so every other
    # figure stays as it was).
    pct_applications = []
    for year, count in PCT_APPLICATIONS.items():
        for _ in range(count):
            filing = _day(rng, D(year, 1, 1), D(year, 12, 31))
            holder = holder_pick()
            number = f"PCT/CN{year}/{rng.randint(10000, 150000):06d}"
            cn = new_patent(PatentType.INVENTION, 1, filing, holder, legal_status=LegalStatus.PENDING if year >= 2020
                            else LegalStatus.WITHDRAWN, overseas_family=True)
            pct_applications.append(PctApplication(
                international_application_no=number, international_filing_date=filing, title=cn.title,
                applicants=holder.name, first_applicant=holder.name, applicant=holder, address=holder.address,
                region=holder.region, country_code="37", is_domestic=True))
    # Invention applications still pending, and some rejected in earlier years.
    for year, count in {2015: 30, 2016: 30, 2017: 40, 2018: 40, 2019: 40, 2020: 150, 2021: 250, 2022: 400}.items():
        for _ in range(count):
            new_patent(PatentType.INVENTION, 1, _day(rng, D(year, 1, 1), D(year, 12, 31)),
                       legal_status=LegalStatus.PENDING if year >= 2020 else LegalStatus.REJECTED)
    # Utility models and designs, granted some months after filing; a share lapse.
    for year in range(2012, 2023):
        for ptype, digit, count in ((PatentType.UTILITY, 2, 110 + 21 * (year - 2012)),
                                    (PatentType.DESIGN, 3, 40 + 4 * (year - 2012))):
            for _ in range(count):
                filing = _day(rng, D(year, 1, 1), D(year, 12, 31))
                grant = filing + dt.timedelta(days=rng.randint(150, 330))
                p = new_patent(ptype, digit, filing, grant_date=grant if grant <= END_2022 else None,
                               legal_status=LegalStatus.VALID if grant <= END_2022 else LegalStatus.PENDING)
                if p.grant_date and rng.random() < 0.25 and p.grant_date < D(2021, 6, 1):
                    lapse(p, _day(rng, p.grant_date + dt.timedelta(days=365), END_2022))

    Patent.objects.bulk_create(patents, batch_size=1000)
    ids = dict(Patent.objects.filter(application_no__in=[p.application_no for p in patents])
               .values_list("application_no", "pk"))
    PatentEvent.objects.bulk_create([PatentEvent(patent_id=ids[no], source="demo", **fields) for no, fields in events],
                                    batch_size=1000)
    PctApplication.objects.bulk_create(pct_applications, batch_size=1000)

    # ---- Trademarks and geographic indications ----------------------------------------------
    trademarks = []
    for n in range(1, 401):
        owner = holder_pick()
        reg = _day(rng, D(2012, 1, 1), END_2022)
        trademarks.append(Trademark(
            registration_no=str(10000000 + n * 7919), name=f"{rng.choice(BRANDS)}{rng.choice(['', '牌', '星', '源'])}",
            nice_class=rng.randint(1, 45), owner_name=owner.name, owner=owner, region=owner.region,
            filing_date=reg - dt.timedelta(days=rng.randint(180, 420)), registration_date=reg,
            expiry_date=reg.replace(year=reg.year + 10) - dt.timedelta(days=1), status=TrademarkStatus.REGISTERED))
    Trademark.objects.bulk_create(trademarks, batch_size=1000)
    for name, code, kind in GI_PRODUCTS:
        GIProduct.objects.get_or_create(name=name, defaults={"region": Region.objects.get(code=code),
                                                             "protection_type": kind, "approved_on": D(2016, 6, 1)})

    audit.record_many([{"action": AuditAction.IMPORT, "object_type_name": "registry.patent", "object_repr": "演示数据",
                        "after": {"enterprises": len(enterprises), "patents": len(patents), "events": len(events),
                                  "trademarks": len(trademarks), "pct_applications": len(pct_applications)}}])
    if stdout:
        stdout.write(f"  registry demo: {len(enterprises)} enterprises, {len(patents)} patents, "
                     f"{len(events)} legal-status events, {len(trademarks)} trademarks")
