"""Reads about people, teams, roles and locations, and the visibility checks other apps use."""

from django.db import connection, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from wendbaar.accounts.choices import BuiltinRole, TeamRole
from wendbaar.accounts.models import (
    ApiToken,
    Location,
    Membership,
    Organisation,
    Restricted,
    Role,
    Team,
    User,
    visible_q,
)

ORGANISATION_LOCK = 0x57454E44  # "WEND": the advisory lock around making the organisation


def organisation_get() -> Organisation:
    """The organisation of this installation; created with a neutral name on first use."""
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        # The first requests may arrive together: only one of them makes the row. SQLite's
        # immediate transactions serialise writers already; PostgreSQL takes an advisory lock.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ORGANISATION_LOCK])
            organisation = Organisation.objects.order_by("pk").first()
            if organisation is None:
                organisation = Organisation.objects.create(name="Wendbaar")
    return organisation


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_org_admin)


def is_manager(user) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_org_admin or user.has_role(BuiltinRole.MANAGER))
    )


def login_blocked_for_address(ip: str | None) -> bool:
    """Too many failed sign-ins from this address lately, across all accounts (password spraying)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from wendbaar.audit.models import AuditEvent

    if not ip:
        return False
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AuditEvent.objects.filter(action="auth.login_failed", ip=ip, at__gte=since)
    return failures.count() >= settings.LOGIN_IP_FAILURE_LIMIT


def other_admins_exist(person) -> bool:
    """Whether someone besides `person` can still administer the organisation."""
    others = User.objects.filter(is_active=True).exclude(pk=person.pk)
    return (
        others.filter(roles__code=BuiltinRole.ADMIN).exists()
        or others.filter(is_superuser=True).exists()
    )


def user_team_ids(user) -> set[int]:
    return set(Membership.objects.filter(user_id=user.pk).values_list("team_id", flat=True))


def user_principals(user) -> list[str]:
    """The principal keys of a person, matching `Restricted.principals()` of records they may see."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    keys = {f"user:{user.pk}", "org"}
    keys.update(f"team:{pk}" for pk in user_team_ids(user))
    keys.update(f"role:{pk}" for pk in user.roles.values_list("pk", flat=True))
    return sorted(keys)


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Restrict any queryset of a `Restricted` model to what `user` may see."""
    return queryset.filter(visible_q(queryset.model, user))


def can_view(user, record: Restricted) -> bool:
    return visible_to(type(record).objects.filter(pk=record.pk), user).exists()


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one record the user may see; anything else (missing or not theirs) is a plain 404."""
    try:
        return visible_to(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def person_list(
    *, user, query: str = "", team: Team | None = None, include_inactive: bool = False
) -> QuerySet[User]:
    """Colleagues in the directory; everyone may see who works here, only admins see inactive people."""
    people = User.objects.prefetch_related(
        "roles", Prefetch("memberships", queryset=Membership.objects.select_related("team"))
    ).select_related("home_location")
    if not (include_inactive and is_admin(user)):
        people = people.filter(is_active=True)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if team is not None:
        people = people.filter(memberships__team=team)
    return people.order_by("full_name")


def team_list(*, user) -> QuerySet[Team]:
    return Team.objects.annotate(member_count=Count("memberships")).order_by("name")


def team_choices(*, user) -> QuerySet[Team]:
    """The teams a person may give a record to: their own, or every team for an administrator."""
    teams = Team.objects.order_by("name")
    return teams if is_admin(user) else teams.filter(memberships__user=user)


def team_members(*, team: Team) -> QuerySet[Membership]:
    return (
        team.memberships.select_related("user")
        .filter(user__is_active=True)
        .order_by("role", "user__full_name")  # leads first
    )


def team_leads(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(
        memberships__team=team, memberships__role=TeamRole.LEAD, is_active=True
    )


def role_list() -> QuerySet[Role]:
    return Role.objects.annotate(people_count=Count("people")).order_by("-is_builtin", "name")


def location_list(*, include_inactive: bool = False) -> QuerySet[Location]:
    locations = Location.objects.annotate(people_count=Count("people"))
    return locations if include_inactive else locations.filter(is_active=True)


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """A person's own tokens; nobody sees another person's tokens."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
