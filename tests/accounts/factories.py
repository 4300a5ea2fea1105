import factory
from factory.django import DjangoModelFactory

from wendbaar.accounts.choices import LocationKind, TeamRole
from wendbaar.accounts.models import Location, Membership, Role, Team, User
from wendbaar.accounts.services import builtin_roles_ensure

PASSWORD = "correct-horse-battery-9"


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Locatie {n}")
    kind = LocationKind.OFFICE
    city = "Utrecht"
    desks = 10


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"role_{n}")
    name = factory.Sequence(lambda n: f"Rol {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.nl")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        for team in extracted or []:
            Membership.objects.create(user=self, team=team, role=TeamRole.MEMBER)

    @factory.post_generation
    def role_codes(self, create, extracted, **kwargs):
        # A flush after a transactional test removes the roles the migration made; bring them back.
        builtin_roles_ensure()
        codes = ["member", *(extracted or [])]
        self.roles.set(Role.objects.filter(code__in=codes))
        if "admin" in codes:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
