"""The filter form in a real browser: a date picker, and an enterprise select that, once the enterprises are
many, loads the names the officer types from the autocomplete endpoint (core.autocomplete) and filters by
the one chosen."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from ipdesk.core.forms import AutocompleteSelect
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_select_loads_on_demand_and_filters(page, users, make_enterprise, monkeypatch):
    from ipdesk.registry.models import Patent
    monkeypatch.setattr(AutocompleteSelect, "INLINE_LIMIT", 2)   # "many" enterprises without making hundreds
    own = users["enterprise"].enterprise
    tengzhou = make_enterprise("滕州机床有限公司", "370481")
    make_enterprise("薛城第三有限公司", "370403")
    for number, holder in (("201710601862.3", own), ("201310699744.2", tengzhou)):
        Patent.objects.create(application_no=number, patent_type="invention", title=f"{holder.name}的专利",
                              holder=holder, holder_name=holder.name, region=holder.region,
                              filing_date=dt.date(2017, 8, 1), legal_status="valid")
    login(page, users["city"])
    page.goto(f"{page.base_url}/registry/patents/")
    assert page.get_attribute("input[name=filed_from]", "type") == "date"
    assert page.locator("select[name=holder] option").count() <= 1        # nothing written into the page
    page.focus("#id_holder-ts-control")
    page.keyboard.type("机床")
    # the names typed are answered by the server: only the matching enterprise is left in the list
    expect(page.locator(".ts-dropdown .option:has-text('薛城第三有限公司')")).to_have_count(0)
    option = page.locator(".ts-dropdown .option:has-text('滕州机床有限公司')")
    expect(option).to_have_count(1)
    option.click()
    # the answers still on their way (the list loads on focus and as the user types) are in before the next step
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    page.fill("input[name=filed_from]", "2017-01-01")
    expect(page.locator("#id_holder-ts-dropdown")).to_be_hidden()
    page.click("form.filter-form button:has-text('筛选')")
    page.wait_for_load_state()
    assert f"holder={tengzhou.pk}" in page.url and "filed_from=2017-01-01" in page.url
    main = page.inner_text("main")
    assert "201310699744.2" in main and "201710601862.3" not in main
    assert page.input_value("input[name=filed_from]") == "2017-01-01"
