import factory
from allauth.account.models import EmailAddress

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email address is verified, as after following the emailed link."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"official{n}@example.org")
    full_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", "a-Long-and-unusual-passphrase-42")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=extracted is not False)


class StaffFactory(UserFactory):
    is_staff = True
    email = factory.Sequence(lambda n: f"admin{n}@example.org")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """A municipality as an admin would add it (no GeoNames id); saved through save(), so searchable."""

    class Meta:
        model = "accounts.Municipality"

    name = factory.Sequence(lambda n: f"Testville {n}")
    country = "BE"
    admin_region = "VLG"
    kind = "municipality"
    latitude = 51.0
    longitude = 4.5
    population = 50_000
    time_zone = "Europe/Brussels"
    alternate_names = factory.LazyFunction(list)

