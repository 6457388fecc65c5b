"""What every factory shares: a region given by its code."""
from factory.django import DjangoModelFactory


class Factory(DjangoModelFactory):
    """A model factory whose region takes a Region or its code ("370403")."""

    class Meta:
        abstract = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        from ipdesk.regions.models import Region
        if isinstance(kwargs.get("region"), str):
            kwargs["region"] = Region.objects.get(code=kwargs["region"])
        return kwargs
