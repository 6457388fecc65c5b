"""The demo reproduces the pilot of SPEC section 6 on a small hand-made registry, and is idempotent."""
import datetime

import pytest

from ipdesk.services import demo
from ipdesk.services.indicators import service_indicators
from ipdesk.services.models import CommissionerAssignment, ProblemLog, ServiceRequest

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_pilot_and_runs_once(make_enterprise):
    for n in range(45):
        make_enterprise(f"重点企业{n}有限公司", is_key_enterprise=True, tags=["zjtx"] if n < 20 else [])
    for n in range(70):
        make_enterprise(f"普通企业{n}有限公司", "370481")
    demo.load()
    f = service_indicators(None, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert f["service_enterprises_served"] >= 40          # 40+ key enterprises
    assert f["service_time_saved_pct"] >= 80              # time limits cut by 80%+
    assert f["service_limit_cut_pct"] >= 80
    assert f["zjtx_enterprises"] == 110                   # 110 enterprises
    assert f["zjtx_problems_solved"] >= 230               # 230+ problems solved
    counts = (ServiceRequest.objects.count(), ProblemLog.objects.count(), CommissionerAssignment.objects.count())
    demo.load()
    assert (ServiceRequest.objects.count(), ProblemLog.objects.count(),
            CommissionerAssignment.objects.count()) == counts
    # The demo commissioner has open work today: something new, something late.
    from ipdesk.accounts.models import User
    zhuanyuan = User.objects.get(username="zhuanyuan")
    open_ = ServiceRequest.objects.restrict(zhuanyuan).filter(status__in=("submitted", "accepted", "processing"))
    assert open_.count() == 3 and any(r.is_overdue() for r in open_)
