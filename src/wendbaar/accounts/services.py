"""Changes to people, teams, roles, locations and API tokens. Each is atomic and audited."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wendbaar.accounts import scopes as scope_registry
from wendbaar.accounts.choices import BuiltinRole, TeamRole
from wendbaar.accounts.models import ApiToken, Location, Membership, Organisation, Role, Team, User
from wendbaar.accounts.selectors import is_admin
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError


def _require_admin(actor) -> None:
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only administrators may do this."))


def builtin_roles_ensure() -> None:
    """Make sure every built-in role exists (idempotent; run by migrations and the demo)."""
    for code, label in BuiltinRole.choices:
        Role.objects.update_or_create(code=code, defaults={"name": str(label), "is_builtin": True})


def sync_staff_flag(user: User) -> None:
    """Administrators may use the Django admin site; nobody else needs it."""
    should_be_staff = user.is_superuser or user.roles.filter(code=BuiltinRole.ADMIN).exists()
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **fields) -> Organisation:
    """Change the organisation's name and preferences."""
    _require_admin(actor)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    audit_log(
        actor=actor,
        action="organisation.updated",
        target=organisation,
        data={"fields": sorted(fields)},
    )
    return organisation


@transaction.atomic
def person_create(
    *,
    actor,
    email: str,
    full_name: str,
    password: str | None = None,
    job_title: str = "",
    phone: str = "",
    language: str = "nl",
    home_location: Location | None = None,
    roles: list[Role] | None = None,
    teams: list[Team] | None = None,
) -> User:
    """Add a person to the organisation; without a password they set one via the reset e-mail."""
    _require_admin(actor)
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise BusinessRuleError(
            _("A person with this e-mail address already exists."), code="duplicate_email"
        )
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=job_title,
        phone=phone,
        language=language,
        home_location=home_location,
    )
    if password:
        validate_new_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    roles = roles if roles is not None else list(Role.objects.filter(code=BuiltinRole.MEMBER))
    user.roles.set(roles)
    for team in teams or []:
        Membership.objects.create(user=user, team=team)
    sync_staff_flag(user)
    audit_log(
        actor=actor,
        action="person.created",
        target=user,
        data={"roles": sorted(r.code for r in roles), "teams": sorted(t.slug for t in teams or [])},
    )
    return user


@transaction.atomic
def person_update(
    *,
    actor,
    person: User,
    roles: list[Role] | None = None,
    teams: list[Team] | None = None,
    **fields,
) -> User:
    """Change a person's details, roles and teams (administrators only)."""
    _require_admin(actor)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        if User.objects.filter(email__iexact=fields["email"]).exclude(pk=person.pk).exists():
            raise BusinessRuleError(
                _("A person with this e-mail address already exists."), code="duplicate_email"
            )
    if fields.get("is_active") is False and person.pk == getattr(actor, "pk", None):
        raise BusinessRuleError(
            _("You cannot deactivate your own account."), code="self_deactivate"
        )
    changed = sorted(name for name, value in fields.items() if getattr(person, name) != value)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(exclude=["password"])
    person.save()
    if roles is not None:
        removing_admin = (
            person.pk == getattr(actor, "pk", None)
            and person.roles.filter(code=BuiltinRole.ADMIN).exists()
            and not any(r.code == BuiltinRole.ADMIN for r in roles)
        )
        if removing_admin:
            raise BusinessRuleError(
                _("You cannot take away your own administrator role."), code="self_demote"
            )
        person.roles.set(roles)
        changed.append("roles")
        if hasattr(person, "_role_codes"):
            del person._role_codes
    if teams is not None:
        wanted = {t.pk for t in teams}
        person.memberships.exclude(team_id__in=wanted).delete()
        existing = set(person.memberships.values_list("team_id", flat=True))
        Membership.objects.bulk_create(
            Membership(user=person, team_id=pk) for pk in wanted - existing
        )
        changed.append("teams")
    sync_staff_flag(person)
    _ensure_an_admin_remains()
    audit_log(actor=actor, action="person.updated", target=person, data={"fields": changed})
    return person


def _ensure_an_admin_remains() -> None:
    if (
        not User.objects.filter(is_active=True, roles__code=BuiltinRole.ADMIN).exists()
        and not User.objects.filter(is_active=True, is_superuser=True).exists()
    ):
        raise BusinessRuleError(
            _("The organisation must keep at least one active administrator."), code="last_admin"
        )


@transaction.atomic
def person_set_language(*, actor: User, language: str) -> User:
    """A person chooses the language of the app and of the e-mails they receive."""
    if language not in dict(settings.LANGUAGES):
        raise BusinessRuleError(_("Unknown language."), code="unknown_language", status_code=400)
    actor.language = language
    actor.save(update_fields=["language"])
    audit_log(
        actor=actor, action="person.language_changed", target=actor, data={"language": language}
    )
    return actor


@transaction.atomic
def team_create(
    *, actor, name: str, description: str = "", email: str = "", slug: str = ""
) -> Team:
    """Start a team."""
    _require_admin(actor)
    name = name.strip()
    slug = slug or slugify(name)
    if Team.objects.filter(name__iexact=name).exists() or Team.objects.filter(slug=slug).exists():
        raise BusinessRuleError(_("A team with this name already exists."), code="duplicate_team")
    team = Team(name=name, slug=slug, description=description, email=email)
    team.full_clean()
    team.save()
    audit_log(actor=actor, action="team.created", target=team)
    return team


@transaction.atomic
def team_update(*, actor, team: Team, **fields) -> Team:
    """Rename or describe a team."""
    _require_admin(actor)
    if (
        "name" in fields
        and Team.objects.filter(name__iexact=fields["name"].strip()).exclude(pk=team.pk).exists()
    ):
        raise BusinessRuleError(_("A team with this name already exists."), code="duplicate_team")
    for name, value in fields.items():
        setattr(team, name, value)
    team.full_clean()
    team.save()
    audit_log(actor=actor, action="team.updated", target=team, data={"fields": sorted(fields)})
    return team


@transaction.atomic
def team_set_member(*, actor, team: Team, person: User, role: str | None) -> Membership | None:
    """Add a person to a team with a role, change their role, or (role None) remove them."""
    _require_admin(actor)
    if role is None:
        deleted, _count = Membership.objects.filter(team=team, user=person).delete()
        if deleted:
            audit_log(
                actor=actor, action="team.member_removed", target=team, data={"person": person.pk}
            )
        return None
    if role not in TeamRole.values:
        raise BusinessRuleError(_("Unknown team role."), code="unknown_team_role", status_code=400)
    membership, created = Membership.objects.update_or_create(
        team=team, user=person, defaults={"role": role}
    )
    audit_log(
        actor=actor,
        action="team.member_added" if created else "team.member_changed",
        target=team,
        data={"person": person.pk, "role": role},
    )
    return membership


@transaction.atomic
def role_create(*, actor, code: str, name: str, description: str = "") -> Role:
    """Add an organisation-specific role next to the built-in ones."""
    _require_admin(actor)
    code = slugify(code or name).replace("-", "_")
    if Role.objects.filter(code=code).exists():
        raise BusinessRuleError(_("A role with this code already exists."), code="duplicate_role")
    role = Role(code=code, name=name.strip(), description=description)
    role.full_clean()
    role.save()
    audit_log(actor=actor, action="role.created", target=role)
    return role


@transaction.atomic
def role_update(*, actor, role: Role, name: str, description: str = "") -> Role:
    """Rename or describe a role; built-in roles keep their code."""
    _require_admin(actor)
    role.name = name.strip()
    role.description = description
    role.full_clean()
    role.save()
    audit_log(actor=actor, action="role.updated", target=role)
    return role


@transaction.atomic
def role_delete(*, actor, role: Role) -> None:
    """Remove a custom role; built-in roles stay."""
    _require_admin(actor)
    if role.is_builtin:
        raise BusinessRuleError(_("Built-in roles cannot be removed."), code="builtin_role")
    audit_log(actor=actor, action="role.deleted", target=role)
    role.delete()


@transaction.atomic
def location_save(*, actor, location: Location | None = None, **fields) -> Location:
    """Add or change a place people work from."""
    _require_admin(actor)
    creating = location is None
    location = location or Location()
    if (
        "name" in fields
        and Location.objects.filter(name__iexact=fields["name"].strip())
        .exclude(pk=location.pk)
        .exists()
    ):
        raise BusinessRuleError(
            _("A location with this name already exists."), code="duplicate_location"
        )
    for name, value in fields.items():
        setattr(location, name, value)
    location.full_clean()
    location.save()
    audit_log(
        actor=actor, action="location.created" if creating else "location.updated", target=location
    )
    return location


# --- API tokens -------------------------------------------------------------------------------------


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for an integration; the plain key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise BusinessRuleError(_("Give the token a name."), code="token_name", status_code=400)
    unknown = [s for s in scopes if not scope_registry.is_known(s)]
    if unknown:
        raise BusinessRuleError(
            _("Unknown scope: %(scopes)s") % {"scopes": ", ".join(unknown)},
            code="unknown_scope",
            status_code=400,
        )
    if not scopes:
        raise BusinessRuleError(_("Choose at least one scope."), code="no_scope", status_code=400)
    if expires_at is not None and expires_at <= timezone.now():
        raise BusinessRuleError(
            _("The expiry date must be in the future."), code="token_expiry", status_code=400
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=prefix,
        key_hash=_hash_key(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    audit_log(actor=actor, action="api_token.created", target=token, data={"scopes": token.scopes})
    return token, f"{settings.API_TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token behind a presented key, or None. Constant-time comparison of the hash."""
    parts = (raw or "").strip().split("_")
    if len(parts) < 3 or parts[0] != settings.API_TOKEN_PREFIX:
        return None
    prefix, secret = parts[1], "_".join(parts[2:])
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if (
        token is None
        or not hmac.compare_digest(token.key_hash, _hash_key(secret))
        or not token.is_usable
    ):
        return None
    now = timezone.now()
    # Writing on every call would turn each API read into a write; once a minute is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once."""
    if token.user_id != actor.pk and not is_admin(actor):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="api_token.revoked", target=token)
    return token


def validate_new_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise BusinessRuleError(
            " ".join(exc.messages), code="weak_password", status_code=400
        ) from exc


PASSWORD_MAIL_INTERVAL = timedelta(minutes=5)


@transaction.atomic
def password_reset_request(*, email: str, base_url: str) -> None:
    """Queue a link to choose a password for the active person with this address.

    New people who never had a password get it as their invitation. At most one mail per person
    every few minutes, counted in the audit log so it holds across processes: the form must not
    become a way to flood someone's mailbox. Nothing tells the caller whether the address exists.
    """
    from wendbaar.accounts.tasks import password_reset_email_task
    from wendbaar.audit.models import AuditEvent

    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        recent = AuditEvent.objects.filter(
            action="auth.password_mail_requested",
            object_type=user._meta.label_lower,
            object_id=str(user.pk),
            at__gte=timezone.now() - PASSWORD_MAIL_INTERVAL,
        )
        if recent.exists():
            continue
        audit_log(actor=None, action="auth.password_mail_requested", target=user)
        transaction.on_commit(lambda pk=user.pk: password_reset_email_task.enqueue(pk, base_url))


def password_reset_send(*, user: User, base_url: str) -> None:
    """Mail a one-day link to choose a password, in the person's own language (an invitation for
    someone who never had one)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url.rstrip("/") + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"email": user.email, "link": link, "user": user}
        kind = "password_reset" if user.has_usable_password() else "invitation"
        subject = "".join(
            render_to_string(f"accounts/email/{kind}_subject.txt", context).splitlines()
        )
        body = render_to_string(f"accounts/email/{kind}.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    audit_log(actor=None, action="auth.password_reset_sent", target=user)
