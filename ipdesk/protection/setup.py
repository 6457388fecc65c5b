"""Reference data of the module: the office calendar (seeded from chinese-calendar), the default
time-limit rules and the default document templates. Idempotent; run by migration 0002 and demo."""
SEED_YEARS = (2020, 2026)


def calendar_rows(first_year=SEED_YEARS[0], last_year=SEED_YEARS[1]):
    """(date, kind, name) of every statutory holiday and adjusted working day the chinese-calendar
    package knows for the years (国务院办公厅 annual holiday notices)."""
    from chinese_calendar import constants
    rows = []
    for table, kind in ((constants.holidays, "holiday"), (constants.workdays, "workday")):
        for day, holiday in table.items():
            if first_year <= day.year <= last_year:
                rows.append((day, kind, _holiday_name(holiday)))
    return sorted(rows)


_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
          "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
          "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}


def _holiday_name(holiday):
    value = getattr(holiday, "value", holiday)  # a plain English name in chinese-calendar 1.x
    english = value[0] if isinstance(value, tuple) else str(value or "")
    return _NAMES.get(english, english)[:50]


def seed_calendar(CalendarDay, first_year=SEED_YEARS[0], last_year=SEED_YEARS[1]):
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new = [CalendarDay(date=d, kind=k, name=n) for d, k, n in calendar_rows(first_year, last_year) if d not in existing]
    CalendarDay.objects.bulk_create(new)
    return len(new)


def seed_rules(TimeLimitRule):
    """Create the default rules the office does not have yet. Keys the (historical) model lacks are dropped, so an
    early migration can seed with today's defaults."""
    from .rules import DEFAULT_RULES
    names = {f.name for f in TimeLimitRule._meta.get_fields()}
    created = 0
    for data in DEFAULT_RULES:
        if not TimeLimitRule.objects.filter(code=data["code"]).exists():
            TimeLimitRule.objects.create(**{k: v for k, v in data.items() if k in names})
            created += 1
    return created


def update_unedited_bases(TimeLimitRule):
    """Give the seeded rules the office never edited their legal basis in parts (局令第71号, 待核对), replacing the
    old one-line basis that attributed unchecked numbers to 局令第81号. A rule whose basis the office wrote is
    left as it is."""
    from .rules import DEFAULT_RULES, OLD_LEGAL_BASIS
    defaults = {d["code"]: d for d in DEFAULT_RULES}
    fields = ("legal_basis", "basis_regulation", "basis_article", "basis_text", "basis_verified", "basis_note")
    updated = 0
    for code, old in OLD_LEGAL_BASIS.items():
        # The old line, or (a database seeded fresh by migration 0002) today's line without its parts yet.
        unedited = [old, defaults[code]["legal_basis"]]
        for rule in TimeLimitRule.objects.filter(code=code, legal_basis__in=unedited, basis_regulation="",
                                                 basis_verified=False):
            for name in fields:
                setattr(rule, name, defaults[code][name])
            rule.save(update_fields=list(fields))
            updated += 1
    return updated


def seed_templates(DocumentTemplate):
    from .documents import default_template_bytes, DEFAULT_TEMPLATE_NAMES
    created = 0
    for kind, name in DEFAULT_TEMPLATE_NAMES.items():
        if not DocumentTemplate.objects.filter(kind=kind).exists():
            DocumentTemplate.objects.create(kind=kind, name=name, content=default_template_bytes(kind),
                                            note="系统默认模板，可下载后在 Word 中修改再上传")
            created += 1
    return created


def seed_all():
    from .models import CalendarDay, DocumentTemplate, TimeLimitRule
    return seed_calendar(CalendarDay), seed_rules(TimeLimitRule), seed_templates(DocumentTemplate)


