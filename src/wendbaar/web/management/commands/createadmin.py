import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wendbaar.accounts.choices import BuiltinRole
from wendbaar.accounts.models import Role, User
from wendbaar.accounts.services import builtin_roles_ensure, validate_new_password
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError


class Command(BaseCommand):
    help = "Create an administrator (or make an existing person one). Password from --password-env or a prompt."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="", help="Full name (for a new person).")
        parser.add_argument(
            "--password-env", default="", help="Name of an environment variable with the password."
        )

    @transaction.atomic
    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
            if not password:
                raise CommandError(
                    f"Environment variable {options['password_env']} is empty or not set."
                )
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        builtin_roles_ensure()
        person = User.objects.filter(email__iexact=email).first()
        created = person is None
        if created:
            person = User(email=email, full_name=options["name"] or email.split("@")[0])
        try:
            validate_new_password(password, person)
            person.full_clean(exclude=["password"])
        except (BusinessRuleError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        person.set_password(password)
        person.is_active = True
        person.is_staff = True
        person.save()
        person.roles.add(
            Role.objects.get(code=BuiltinRole.ADMIN), Role.objects.get(code=BuiltinRole.MEMBER)
        )
        audit_log(
            actor=None,
            action="person.made_admin",
            target=person,
            data={"created": created, "via": "cli"},
        )
        self.stdout.write(
            self.style.SUCCESS(f"{'Created' if created else 'Updated'} administrator {email}.")
        )
