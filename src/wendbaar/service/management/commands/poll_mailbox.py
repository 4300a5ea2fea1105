import time

from django.core.management.base import BaseCommand, CommandError

from wendbaar.service import mailbox


class Command(BaseCommand):
    help = (
        "Take in new mail from the service mailbox (SERVICE_IMAP_URL) as tickets. Run it on a "
        "schedule, or with --every SECONDS to keep polling; an outage resumes where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="Mailbox URL (default: SERVICE_IMAP_URL).")
        parser.add_argument("--every", type=int, default=0, help="Poll again every N seconds.")
        parser.add_argument("--limit", type=int, default=None, help="At most N mails per poll.")

    def handle(self, *args, **options):
        while True:
            try:
                result = mailbox.mailbox_poll(url=options["url"], limit=options["limit"])
            except mailbox.MailboxError as exc:
                if not options["every"]:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(str(exc))
            else:
                for note in result.notes:
                    self.stderr.write(note)
                self.stdout.write(
                    f"{result.mailbox}: {result.fetched} fetched, {result.tickets} new tickets, "
                    f"{result.replies} added to threads, {result.duplicates} duplicates, "
                    f"{result.ignored} ignored, {result.left} left for the next poll."
                )
            if not options["every"]:
                return
            time.sleep(max(5, options["every"]))
