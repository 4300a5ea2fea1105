"""Base class for management commands that act as a person (`--user`)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class ActorCommand(BaseCommand):
    """A command whose services need an acting user, given by e-mail address with `--user`."""

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="E-mail address of the person acting.")

    def get_actor(self, options):
        try:
            return get_user_model().objects.get(email__iexact=options["user"], is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(
                f"No active person with e-mail address {options['user']!r}."
            ) from exc
