"""People, teams, roles and locations over the API. Everyone may read the directory; admins change it."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts import selectors, services
from wendbaar.accounts.auth import ANY_SCOPE, api_auth
from wendbaar.accounts.models import Location, Role, Team, User
from wendbaar.accounts.schemas import (
    LocationOut,
    MeOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RoleOut,
    TeamIn,
    TeamOut,
)
from wendbaar.common.errors import BusinessRuleError

router = Router(tags=["people"], auth=api_auth("people:read", "people:write"))


def _roles(codes: list[str]) -> list[Role]:
    roles = list(Role.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {r.code for r in roles})
    if missing:
        raise BusinessRuleError(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(missing)},
            code="unknown_role",
            status_code=400,
        )
    return roles


def _teams(ids: list[int]) -> list[Team]:
    teams = list(Team.objects.filter(pk__in=ids))
    if len(teams) != len(set(ids)):
        raise BusinessRuleError(_("Unknown team."), code="unknown_team", status_code=400)
    return teams


@router.get("/me", response=MeOut, auth=api_auth(ANY_SCOPE))
def me(request):
    """The caller: who they are, their roles and teams, and the principals their access rests on."""
    user = request.user
    user.is_admin = selectors.is_admin(user)
    user.principals = selectors.user_principals(user)
    return user


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def person_list(request, q: str = "", team: int | None = None):
    team_obj = get_object_or_404(Team, pk=team) if team else None
    return selectors.person_list(user=request.user, query=q, team=team_obj)


@router.get("/people/{int:person_id}", response=PersonOut)
def person_detail(request, person_id: int):
    return get_object_or_404(
        selectors.person_list(user=request.user, include_inactive=True), pk=person_id
    )


@router.post("/people", response={201: PersonOut})
def person_create(request, payload: PersonIn):
    location = (
        get_object_or_404(Location, pk=payload.home_location_id)
        if payload.home_location_id
        else None
    )
    person = services.person_create(
        actor=request.user,
        email=payload.email,
        full_name=payload.full_name,
        job_title=payload.job_title,
        phone=payload.phone,
        language=payload.language,
        home_location=location,
        roles=_roles(payload.role_codes),
        teams=_teams(payload.team_ids),
    )
    if payload.invite:
        services.password_reset_request(
            email=person.email, base_url=request.build_absolute_uri("/")
        )
    return Status(201, person)


@router.patch("/people/{int:person_id}", response=PersonOut)
def person_update(request, person_id: int, payload: PersonPatch):
    person = get_object_or_404(User, pk=person_id)
    # null means "leave as is", except for the location, where it means "none".
    data = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "home_location_id"
    }
    roles = _roles(data.pop("role_codes")) if "role_codes" in data else None
    teams = _teams(data.pop("team_ids")) if "team_ids" in data else None
    if "home_location_id" in data:
        location_id = data.pop("home_location_id")
        data["home_location"] = get_object_or_404(Location, pk=location_id) if location_id else None
    return services.person_update(
        actor=request.user, person=person, roles=roles, teams=teams, **data
    )


@router.get("/teams", response=list[TeamOut])
def team_list(request):
    return selectors.team_list(user=request.user)


@router.post("/teams", response={201: TeamOut})
def team_create(request, payload: TeamIn):
    return Status(
        201,
        services.team_create(
            actor=request.user,
            name=payload.name,
            description=payload.description,
            email=payload.email or "",
        ),
    )


@router.get("/roles", response=list[RoleOut])
def role_list(request):
    return selectors.role_list()


@router.get("/locations", response=list[LocationOut])
def location_list(request):
    return selectors.location_list()
