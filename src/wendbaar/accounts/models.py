"""People, teams, roles and locations of the organisation, and the visibility rules for records."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.choices import BuiltinRole, Language, LocationKind, TeamRole, Visibility


class Organisation(models.Model):
    """The organisation this installation serves (one row) and its preferences."""

    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    default_language = models.CharField(
        _("default language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )
    email_domain = models.CharField(_("e-mail domain"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Location(models.Model):
    """A place people work from: the main office, a satellite hub, or home."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=LocationKind.choices)
    address = models.CharField(_("address"), max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    desks = models.PositiveIntegerField(_("desks"), default=0)
    meeting_rooms = models.PositiveIntegerField(_("meeting rooms"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A role a person holds in the organisation (admin, manager, sales, …)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["-is_builtin", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """Built-in roles are shown in the reader's language; custom roles as the admin named them."""
        if self.is_builtin and self.code in BuiltinRole.values:
            return str(BuiltinRole(self.code).label)
        return self.name


class Team(models.Model):
    """A group of people who work together and share records."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("team e-mail address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # People type their address as they like; it is stored in lower case.
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person of the organisation who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )
    home_location = models.ForeignKey(
        Location,
        verbose_name=_("usual location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="people")
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), through="Membership", blank=True, related_name="members"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the Django admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, code: str) -> bool:
        """Whether the person holds a role; cached per instance so templates can ask cheaply."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.roles.values_list("code", flat=True)) if self.pk else set()
        return code in self._role_codes

    @property
    def is_org_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.has_role(BuiltinRole.ADMIN))


class Membership(models.Model):
    """A person's membership of a team, with their role in it."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role in team"), max_length=16, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} · {self.team}"


class ApiToken(models.Model):
    """A hashed, scoped token an integration uses to call the API as a person."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )


class VisibilityQuerySet(models.QuerySet):
    """Chainable filter for records that carry a visibility (see `Restricted`)."""

    def visible_to(self, user):
        return self.filter(visible_q(self.model, user))


def visible_q(model, user, prefix: str = "") -> Q:
    """The condition under which `user` may see a record of `model` (a `Restricted` subclass).

    `prefix` lets a query on a related model apply the rule through a relation (e.g. "draft__").
    Sub-queries rather than joins keep the result free of duplicates and usable for counts.
    There is no administrator bypass: private and team records stay with their people.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    team_ids = Membership.objects.filter(user_id=user.pk).values("team_id")
    role_ids = User.roles.through.objects.filter(user_id=user.pk).values("role_id")
    teams_through = model.shared_with_teams.through
    roles_through = model.shared_with_roles.through
    source = model.shared_with_teams.field.m2m_field_name()
    named_team = Exists(
        teams_through.objects.filter(**{source: OuterRef(f"{prefix}pk")}, team_id__in=team_ids)
    )
    named_role = Exists(
        roles_through.objects.filter(
            **{model.shared_with_roles.field.m2m_field_name(): OuterRef(f"{prefix}pk")},
            role_id__in=role_ids,
        )
    )
    p = prefix
    return (
        Q(**{f"{p}owner_id": user.pk})
        | Q(**{f"{p}visibility": Visibility.ORGANISATION})
        | (
            Q(**{f"{p}visibility__in": [Visibility.TEAM, Visibility.NAMED]})
            & Q(**{f"{p}team_id__in": team_ids})
        )
        | (Q(**{f"{p}visibility": Visibility.NAMED}) & (named_team | named_role))
    )


class Restricted(models.Model):
    """Mixin for records with an owner, a team and a visibility; selectors filter by `visible_to`."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.TEAM
    )
    shared_with_teams = models.ManyToManyField(
        Team, verbose_name=_("shared with teams"), blank=True, related_name="+"
    )
    shared_with_roles = models.ManyToManyField(
        Role, verbose_name=_("shared with roles"), blank=True, related_name="+"
    )

    objects = VisibilityQuerySet.as_manager()

    class Meta:
        abstract = True

    def principals(self) -> list[str]:
        """Who may see this record, as principal keys a search index can store next to its chunks."""
        keys = {f"user:{self.owner_id}"} if self.owner_id else set()
        if self.visibility == Visibility.ORGANISATION:
            keys.add("org")
        if self.visibility in (Visibility.TEAM, Visibility.NAMED) and self.team_id:
            keys.add(f"team:{self.team_id}")
        if self.visibility == Visibility.NAMED:
            keys.update(f"team:{pk}" for pk in self.shared_with_teams.values_list("pk", flat=True))
            keys.update(f"role:{pk}" for pk in self.shared_with_roles.values_list("pk", flat=True))
        return sorted(keys)
