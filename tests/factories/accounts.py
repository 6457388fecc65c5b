import factory

from ipdesk.core.scoping import Role

from .base import Factory

PASSWORD = "Test-passw0rd!"


class UserFactory(Factory):
    """A user who signs in with PASSWORD; officers have a region, enterprise users an enterprise."""

    class Meta:
        model = "accounts.User"

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.DISTRICT_OFFICER
    region = None
    enterprise = None
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **kwargs):
        """Through set_password, as a person's password is set: the model keeps its history from there."""
        user = model_class(*args, **kwargs)
        user.set_password(password)
        user.save()
        return user
