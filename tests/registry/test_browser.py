"""The officer's main path in a browser: upload a patent file, watch it import, search, open the enterprise."""
import pytest

from ipdesk.registry.models import Patent
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_imports_searches_and_opens_the_enterprise(page, users, tmp_path):
    own = users["enterprise"].enterprise
    path = tmp_path / "专利.csv"
    path.write_text("申请号,专利名称,申请(专利权)人,申请人地址,申请日,授权公告日,法律状态\n"
                    f"CN201710601862.3,一种锂电池隔膜,{own.name},山东省枣庄市薛城区,2017/8/1,2019年5月3日,有效\n"
                    "202210123456.7,坏号专利,某公司,山东省枣庄市薛城区,20220105,,\n", encoding="utf-8-sig")
    login(page, users["district"])
    page.goto(f"{page.base_url}/registry/patents/")
    page.click("text=导入")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-summary]")
    assert "拒绝 1 行" in page.inner_text("[data-testid=import-summary]")
    assert "校验位应为 1" in page.inner_text("[data-testid=import-errors]")
    assert Patent.objects.count() == 0  # all or nothing
    # Again, keeping the good rows.
    page.goto(f"{page.base_url}/registry/patents/import/")
    page.set_input_files("#id_file", str(path))
    page.check("#id_keep_good")
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-summary]")
    assert "新增 1 条" in page.inner_text("[data-testid=import-summary]")
    assert page.inner_text("[data-testid=import-progress]").strip() == "100%"
    # Search by a Chinese substring, then open the enterprise page.
    page.goto(f"{page.base_url}/registry/search/")
    page.fill("[data-testid=search-input]", "锂电池")
    page.click("[data-testid=search-submit]")
    assert "201710601862.3" in page.inner_text("[data-testid=patent-results]")
    page.goto(f"{page.base_url}/registry/enterprises/{own.pk}/")
    assert "全部 1 件" in page.inner_text("[data-testid=patent-counts]")
    assert "201710601862.3" in page.inner_text("[data-testid=fee-schedule]")
