"""What every factory shares: a region given by its code."""
from factory.django import DjangoModelFactory


class Factory(DjangoModelFactory):
    """A model factory whose region takes a Region or its code ("370403"). What a post-generation hook does
    (a pledge's patents, a case's registration) it saves itself: the row is not saved again after it."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        from ipdesk.regions.models import Region
        if isinstance(kwargs.get("region"), str):
            kwargs["region"] = Region.objects.get(code=kwargs["region"])
        return kwargs
