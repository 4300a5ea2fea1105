from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wendbaar.accounts import selectors, services
from wendbaar.accounts.decorators import admin_required
from wendbaar.accounts.forms import (
    ApiTokenForm,
    LanguageForm,
    LocationForm,
    LoginForm,
    MemberForm,
    OrganisationForm,
    PersonForm,
    RemoveMemberForm,
    ResetForm,
    RoleForm,
    TeamForm,
)
from wendbaar.accounts.models import ApiToken, Location, Role, Team, User
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.common.net import client_ip


def _form_error(form, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(exc))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes locks one account per address; this stops one address trying many accounts.
        if selectors.login_blocked_for_address(client_ip(request)):
            return render(request, "accounts/lockout.html", status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(actor=form.user, action="auth.password_reset", target=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(actor=self.request.user, action="auth.password_changed", target=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_POST
def set_language(request):
    """Switch the app's language; a signed-in person keeps the choice for next time and for e-mails."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.person_set_language(actor=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response


@login_required
def account(request):
    """The person's own page: details, language, password and API tokens."""
    token_form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and token_form.is_valid():
        created = _submit(
            token_form,
            services.api_token_create,
            actor=request.user,
            name=token_form.cleaned_data["name"],
            scopes=token_form.cleaned_data["scopes"],
            expires_at=token_form.expires_at(),
        )
        if created:
            new_key = created[1]
            token_form = ApiTokenForm()
    response = render(
        request,
        "accounts/account.html",
        {
            "tokens": selectors.api_token_list(user=request.user),
            "token_form": token_form,
            "new_key": new_key,
            "teams": request.user.memberships.select_related("team"),
        },
    )
    if new_key:
        # The plain key is shown once, in this response only; it is stored nowhere but as a hash.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:account")


@login_required
def person_list(request):
    query = request.GET.get("q", "").strip()
    team = get_object_or_404(Team, slug=request.GET["team"]) if request.GET.get("team") else None
    people = selectors.person_list(
        user=request.user, query=query, team=team, include_inactive=selectors.is_admin(request.user)
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "team": team,
        "teams": selectors.team_list(user=request.user),
    }
    template = (
        "accounts/person_list.html#rows"
        if request.htmx and not request.htmx.boosted
        else "accounts/person_list.html"
    )
    return render(request, template, context)


@admin_required
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _submit(
            form,
            services.person_create,
            actor=request.user,
            email=data["email"],
            full_name=data["full_name"],
            job_title=data["job_title"],
            phone=data["phone"],
            language=data["language"],
            home_location=data["home_location"],
            roles=list(data["roles"]),
            teams=list(data["teams"]),
        )
        if saved:
            services.password_reset_request(
                email=saved.email, base_url=request.build_absolute_uri("/")
            )
            messages.success(
                request,
                _("%(name)s has been added and receives an e-mail to choose a password.")
                % {"name": saved.full_name},
            )
            return redirect("accounts:person_list")
    return _form_page(request, form, _("New person"), "accounts:person_list")


@admin_required
def person_edit(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roles, teams = list(data.pop("roles")), list(data.pop("teams"))
        if _submit(
            form,
            services.person_update,
            actor=request.user,
            person=person,
            roles=roles,
            teams=teams,
            **data,
        ):
            messages.success(request, _("The changes have been saved."))
            return redirect("accounts:person_list")
    return _form_page(
        request, form, _("Edit %(name)s") % {"name": person.full_name}, "accounts:person_list"
    )


@login_required
def team_list(request):
    return render(
        request, "accounts/team_list.html", {"teams": selectors.team_list(user=request.user)}
    )


@login_required
def team_detail(request, slug: str):
    team = get_object_or_404(Team, slug=slug)
    form = MemberForm()
    return render(
        request,
        "accounts/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team=team),
            "member_form": form,
        },
    )


@admin_required
@require_POST
def team_member(request, slug: str):
    """Add, change or remove a member; with HTMX only the member list is sent back."""
    team = get_object_or_404(Team, slug=slug)
    if "remove" in request.POST:
        removal = RemoveMemberForm(request.POST)
        if not removal.is_valid():
            return HttpResponseBadRequest(_("Unknown person."))
        services.team_set_member(
            actor=request.user, team=team, person=removal.cleaned_data["remove"], role=None
        )
        form = MemberForm()
    else:
        form = MemberForm(request.POST)
        if form.is_valid():
            services.team_set_member(
                actor=request.user,
                team=team,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
            )
            form = MemberForm()
    context = {"team": team, "members": selectors.team_members(team=team), "member_form": form}
    if request.htmx:
        return render(request, "accounts/team_detail.html#members", context)
    return redirect("accounts:team_detail", slug=team.slug)


@admin_required
def team_create(request):
    return _team_form(request, None)


@admin_required
def team_edit(request, slug: str):
    return _team_form(request, get_object_or_404(Team, slug=slug))


def _team_form(request, team: Team | None):
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "description", "email")}
        saved = (
            _submit(form, services.team_create, actor=request.user, **data)
            if team is None
            else _submit(form, services.team_update, actor=request.user, team=team, **data)
        )
        if saved:
            messages.success(request, _("The team has been saved."))
            return redirect("accounts:team_detail", slug=saved.slug)
    title = _("New team") if team is None else _("Edit %(name)s") % {"name": team.name}
    return _form_page(request, form, title, "accounts:team_list")


@admin_required
def role_list(request):
    form = RoleForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _submit(form, services.role_create, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The role has been added."))
        return redirect("accounts:role_list")
    return render(
        request, "accounts/role_list.html", {"roles": selectors.role_list(), "form": form}
    )


@admin_required
def role_edit(request, pk: int):
    role = get_object_or_404(Role, pk=pk)
    form = RoleForm(
        request.POST or None,
        initial={"name": role.name, "code": role.code, "description": role.description},
    )
    form.fields["code"].disabled = True
    if request.method == "POST" and request.POST.get("delete"):
        try:
            services.role_delete(actor=request.user, role=role)
        except BusinessRuleError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:role_edit", pk=role.pk)
        messages.success(request, _("The role has been removed."))
        return redirect("accounts:role_list")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _submit(
            form,
            services.role_update,
            actor=request.user,
            role=role,
            name=data["name"],
            description=data["description"],
        ):
            messages.success(request, _("The changes have been saved."))
            return redirect("accounts:role_list")
    title = _("Edit role %(name)s") % {"name": role.label}
    return _form_page(
        request, form, title, "accounts:role_list", delete_allowed=not role.is_builtin
    )


@login_required
def location_list(request):
    return render(
        request,
        "accounts/location_list.html",
        {
            "locations": selectors.location_list(include_inactive=selectors.is_admin(request.user)),
        },
    )


@admin_required
def location_create(request):
    return _location_form(request, None)


@admin_required
def location_edit(request, pk: int):
    return _location_form(request, get_object_or_404(Location, pk=pk))


def _location_form(request, location: Location | None):
    form = LocationForm(request.POST or None, instance=location)
    if (
        request.method == "POST"
        and form.is_valid()
        and _submit(
            form, services.location_save, actor=request.user, location=location, **form.cleaned_data
        )
    ):
        messages.success(request, _("The location has been saved."))
        return redirect("accounts:location_list")
    title = _("New location") if location is None else _("Edit %(name)s") % {"name": location.name}
    return _form_page(request, form, title, "accounts:location_list")


def _submit(form, service, **kwargs):
    """Call the service behind a valid form; its result, or None when a business rule refused
    (the reason is then a form error)."""
    try:
        return service(**kwargs)
    except (BusinessRuleError, ValidationError) as exc:
        _form_error(form, exc)
        return None


def _form_page(request, form, title, cancel_url_name: str, **extra):
    context = {"form": form, "title": title, "cancel_url": reverse(cancel_url_name), **extra}
    return render(request, "accounts/form_page.html", context)


@admin_required
def organisation_edit(request):
    """The organisation's name and preferences."""
    organisation = selectors.organisation_get()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if _submit(
            form,
            services.organisation_update,
            actor=request.user,
            organisation=organisation,
            **data,
        ):
            messages.success(request, _("The changes have been saved."))
            return redirect("accounts:organisation_edit")
    return _form_page(request, form, _("Organisation"), "web:home")
