from decimal import Decimal

from .base import Factory


class TargetFactory(Factory):
    """薛城区's (370403) 2022 target for invention grants (发明专利授权量): 10."""

    class Meta:
        model = "stats.Target"

    region = "370403"
    year = 2022
    indicator = "invention_grants"
    value = Decimal("10")
