from django.core.management.base import BaseCommand, CommandError

from wendbaar.accounts.selectors import organisation_get
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import learning


class Command(BaseCommand):
    help = "Retrain ticket triage on the imported history and every correction agents made."

    def handle(self, *args, **options):
        try:
            row = learning.triage_retrain(organisation=organisation_get())
        except BusinessRuleError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"Trained on {row.examples} tickets ({row.corrections} new corrections).")
        for field, after in sorted(row.accuracy_after.items()):
            before = row.accuracy_before.get(field)
            show = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
            self.stdout.write(f"  {field}: accuracy {show(before)} -> {show(after)}")
        if row.is_active:
            self.stdout.write("The new model is in use.")
        else:
            self.stdout.write(
                "The new model scored worse on the held-out tickets; the earlier model stays in use."
            )
