"""Back-office conventions (issue 19 item 4): breadcrumbs from the menu, the menu grouped with icons and a help
page per module, confirmation before irreversible steps, searchable scoped selects, amounts with separators."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.core.test_menus import menu_links

ROLES = ["city", "district", "other_district", "commissioner", "enterprise", "lawyer", "leader"]


def _help_links(html):
    return sorted(set(re.findall(r'href="(/help/[a-z_]+/)"', html)))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_menu_group_links_a_help_page_that_opens(role, users, clients):
    client = clients[role]
    home = client.get("/").content.decode()
    links = _help_links(home)
    assert links, "no help link in the menu"
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, href
        page = response.content.decode()
        assert 'data-testid="help-steps"' in page
        assert re.search(r"<li class=\"mb-1\">[^<]{8,}</li>", page), href  # a guide with real steps
        # the help page lists only entries of its module that this role may open
        for entry in re.findall(r'<li class="list-group-item"><a href="([^"]+)"', page):
            assert entry in menu_links(home), (href, entry)


@pytest.mark.django_db
def test_help_of_a_module_without_an_entry_for_the_role_does_not_exist(users, clients):
    assert clients["enterprise"].get("/help/compliance/").status_code == 404  # no 代理监管 entry for an enterprise
    assert clients["city"].get("/help/compliance/").status_code == 200
    assert clients["city"].get("/help/nosuchmodule/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_menu_groups_have_icons_and_every_entry_opens_with_breadcrumbs(role, users, clients):
    client = clients[role]
    html = client.get("/").content.decode()
    groups = re.findall(r'data-testid="nav-group-([a-z_]+)"', html)
    assert groups
    assert len(re.findall(r'<i class="bi bi-[a-z0-9-]+ me-1"></i>', html)) == len(groups)
    for href in menu_links(html):
        response = client.get(href)
        assert response.status_code == 200, href
        if "text/html" in response.get("Content-Type", ""):
            assert 'data-testid="breadcrumbs"' in response.content.decode(), href


@pytest.mark.django_db
def test_breadcrumbs_follow_the_menu(users, clients, make_enterprise):
    client = clients["district"]
    listing = client.get(reverse("registry:enterprise_list")).content.decode()
    crumbs = listing[listing.index('data-testid="breadcrumbs"'):]
    crumbs = crumbs[:crumbs.index("</nav>")]
    assert "首页" in crumbs and "创新主体与知识产权" in crumbs and 'aria-current="page">企业' in crumbs
    enterprise = make_enterprise("面包屑测试有限公司", "370403")
    detail = client.get(reverse("registry:enterprise_detail", args=[enterprise.pk])).content.decode()
    crumbs = detail[detail.index('data-testid="breadcrumbs"'):]
    crumbs = crumbs[:crumbs.index("</nav>")]
    # on a record's page the list is a link back
    assert f'<a href="{reverse("registry:enterprise_list")}">企业</a>' in crumbs


@pytest.mark.django_db
def test_district_officers_enterprise_select_is_searchable_and_scoped(users, clients, make_enterprise):
    mine = make_enterprise("本区甲科技有限公司", "370403")
    theirs = make_enterprise("滕州乙科技有限公司", "370481")
    html = clients["district"].get(reverse("finance:insurancepolicy_add")).content.decode()
    select = re.search(r'<select[^>]*name="enterprise"[^>]*>.*?</select>', html, re.S)
    assert select, "no enterprise select on the form"
    assert "data-searchable" in select.group(0).split(">", 1)[0]
    assert f'value="{mine.pk}"' in select.group(0)
    assert f'value="{theirs.pk}"' not in select.group(0) and theirs.name not in html
    # the other district sees its own, not ours
    other = clients["other_district"].get(reverse("finance:insurancepolicy_add")).content.decode()
    assert theirs.name in other and mine.name not in other


@pytest.mark.django_db
def test_service_request_enterprise_select_is_searchable_and_scoped(users, clients, make_enterprise):
    mine = make_enterprise("本区丙科技有限公司", "370403")
    theirs = make_enterprise("滕州丁科技有限公司", "370481")
    html = clients["district"].get(reverse("services:request_add")).content.decode()
    select = re.search(r'<select[^>]*name="enterprise"[^>]*>.*?</select>', html, re.S)
    assert select and "data-searchable" in select.group(0).split(">", 1)[0]
    assert f'value="{mine.pk}"' in select.group(0) and f'value="{theirs.pk}"' not in select.group(0)


@pytest.mark.django_db
def test_a_field_of_a_short_list_stays_a_plain_select(users, clients):
    html = clients["city"].get(reverse("finance:insurancepolicy_add")).content.decode()
    insurer = re.search(r'<select[^>]*name="insurer"[^>]*>', html)
    assert insurer and "data-searchable" not in insurer.group(0)


def test_searchable_assets_are_served_locally():
    from django.contrib.staticfiles import finders
    assert finders.find("vendor/tom-select/tom-select.complete.min.js")
    assert finders.find("vendor/tom-select/tom-select.bootstrap5.min.css")
    js = open(finders.find("js/ipdesk.js"), encoding="utf-8").read()
    assert "data-searchable" in js and "event.submitter" in js


@pytest.mark.django_db
def test_irreversible_steps_ask_for_confirmation(users, clients, make_enterprise):
    from ipdesk.finance.models import InterestSubsidyApplication, Pledge
    from tests.security.factory import Side, build

    side = Side(users["district"].region, users["enterprise"].enterprise, users["commissioner"], users["lawyer"],
                users["city"])
    pledge = build(Pledge, side)
    Pledge.objects.filter(pk=pledge.pk).update(status="effective")
    html = clients["city"].get(reverse("finance:pledge_detail", args=[pledge.pk])).content.decode()
    assert re.search(r'<button[^>]*data-testid="release"[^>]*data-confirm="[^"]+"', html)

    application = build(InterestSubsidyApplication, side)
    for status, testid in (("submitted", "approve"), ("approved", "pay")):
        InterestSubsidyApplication.objects.filter(pk=application.pk).update(status=status)
        html = clients["city"].get(reverse("finance:interestsubsidyapplication_detail",
                                           args=[application.pk])).content.decode()
        assert re.search(rf'<button[^>]*data-testid="{testid}"[^>]*data-confirm="[^"]+"', html), testid


def test_amount_columns_have_thousands_separators():
    from ipdesk.core.columns import AmountColumn
    from ipdesk.finance.tables import PledgeTable
    column = PledgeTable.base_columns["amount_10k_yuan"]
    assert isinstance(column, AmountColumn)
    assert column.render(Decimal("1234567.50")) == "1,234,567.50"
    assert column.value(Decimal("1234567.50")) == Decimal("1234567.50")  # exports keep the number


def test_a_filter_form_keeps_its_labels_after_the_api_schema_read_the_filters(db):
    """The 9 labels seen "in English" in the Chinese UI only in the full run (Day unit, Insurance type, Kind…) were
    no language leak: drf-spectacular's schema reads `FilterSet.base_filters[...].field`, which builds and caches
    the form field on the class-level filter before it knows its model, with label None; every later FilterSet
    copied that field, and Django shows a label-less field as its name, "day_unit" → "Day unit"."""
    from django.utils import translation

    from ipdesk.services.filters import ServiceTypeFilter
    from ipdesk.services.models import ServiceType
    ServiceTypeFilter.base_filters["day_unit"].field  # what the schema generation does
    with translation.override("zh-hans"):
        assert ServiceTypeFilter(queryset=ServiceType.objects.none()).form["day_unit"].label == "计时方式"
    with translation.override("en"):
        assert ServiceTypeFilter(queryset=ServiceType.objects.none()).form["day_unit"].label != "Day unit"


@pytest.mark.django_db
def test_codes_show_by_name_in_the_chinese_ui(users, clients):
    """Issue 19 item 5: a time limit's events, a dictionary's name and a document template's fields."""
    from ipdesk.protection.models import TimeLimitRule
    from ipdesk.regions.models import DictionaryEntry
    rule = TimeLimitRule.objects.get(code="answer_copy_service")
    html = clients["city"].get(reverse("protection:timelimitrule_detail", args=[rule.pk])).content.decode()
    assert "送达答辩书副本" in html and "answer_copy_served" not in html
    form = clients["city"].get(reverse("protection:timelimitrule_edit", args=[rule.pk])).content.decode()
    assert re.search(r'<input type="checkbox" name="stop_events" value="answer_copy_served"[^>]*checked', form)
    assert '["answer_copy_served"]' not in form and "decided" not in form.split("终止事件", 1)[1].split("<label", 1)[0]
    entry = DictionaryEntry.objects.create(dictionary="bank", code="b1", label="测试银行")
    html = clients["city"].get(reverse("regions:dictionaryentry_detail", args=[entry.pk])).content.decode()
    assert "<td>银行</td>" in html.replace(" ", "") or ">银行<" in html
    assert ">bank<" not in html
    upload = clients["city"].get(reverse("protection:documenttemplate_add")).content.decode()
    assert "<code>{{ case.title }}</code>" in upload


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_enterprise_select_searches_and_release_asks_first(page, users, make_enterprise):
    """Tom Select turns the scoped enterprise select into a search box; 解除质押 asks before it submits."""
    from tests.conftest import login
    from tests.security.factory import Side, build

    from ipdesk.finance.models import Pledge
    make_enterprise("本区甲科技有限公司", "370403")
    make_enterprise("本区乙制造有限公司", "370403")
    make_enterprise("滕州丙科技有限公司", "370481")
    login(page, users["district"])
    page.goto(f"{page.base_url}{reverse('finance:insurancepolicy_add')}")
    wrapper = page.locator("#id_enterprise + .ts-wrapper, .ts-wrapper:has(#id_enterprise-ts-control)")
    wrapper.first.wait_for()
    wrapper.first.locator(".ts-control").click()
    page.keyboard.type("乙制造")
    from playwright.sync_api import expect
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)  # typed part of the name: one match left
    assert options.all_inner_texts() == ["本区乙制造有限公司"]
    assert "滕州丙科技有限公司" not in page.content()

    side = Side(users["district"].region, users["enterprise"].enterprise, users["commissioner"], users["lawyer"],
                users["city"])
    pledge = build(Pledge, side)
    Pledge.objects.filter(pk=pledge.pk).update(status="effective")
    page.goto(f"{page.base_url}{reverse('finance:pledge_detail', args=[pledge.pk])}")
    seen = []
    page.once("dialog", lambda dialog: (seen.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=release]")
    page.wait_for_timeout(300)
    assert seen and "解除质押" in seen[0]
    assert Pledge.objects.get(pk=pledge.pk).status == "effective"  # cancelled: nothing happened
