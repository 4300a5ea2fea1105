from ninja import Field, Schema
from pydantic import EmailStr


class RoleOut(Schema):
    id: int
    code: str
    label: str
    is_builtin: bool


class TeamRefOut(Schema):
    id: int
    name: str
    slug: str


class MembershipOut(Schema):
    team: TeamRefOut
    role: str


class LocationOut(Schema):
    id: int
    name: str
    kind: str
    city: str
    desks: int
    meeting_rooms: int
    is_active: bool


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    job_title: str
    language: str
    is_active: bool
    home_location_id: int | None
    roles: list[RoleOut]
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_roles(obj):
        return list(obj.roles.all())

    @staticmethod
    def resolve_memberships(obj):
        return list(obj.memberships.all())


class MeOut(PersonOut):
    is_admin: bool
    principals: list[str]


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    email: str
    member_count: int = 0


class PersonIn(Schema):
    email: EmailStr
    full_name: str = Field(..., min_length=1, max_length=200)
    job_title: str = Field("", max_length=120)
    phone: str = Field("", max_length=40)
    language: str = Field("nl", pattern="^(nl|en)$")
    home_location_id: int | None = None
    role_codes: list[str] = Field(default_factory=lambda: ["member"])
    team_ids: list[int] = Field(default_factory=list)
    invite: bool = Field(True, description="Mail the person a link to choose a password.")


class PersonPatch(Schema):
    email: EmailStr | None = None
    full_name: str | None = Field(None, min_length=1, max_length=200)
    job_title: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=40)
    language: str | None = Field(None, pattern="^(nl|en)$")
    is_active: bool | None = None
    home_location_id: int | None = None
    role_codes: list[str] | None = None
    team_ids: list[int] | None = None


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    email: EmailStr | None = None
