import factory
from factory.django import DjangoModelFactory

from wendbaar.accounts.choices import Visibility
from wendbaar.copilot.choices import Capability
from wendbaar.copilot.models import Draft, DraftSource


class DraftFactory(DjangoModelFactory):
    class Meta:
        model = Draft

    capability = Capability.SERVICE
    kind = "reply"
    title = factory.Sequence(lambda n: f"Conceptantwoord {n}")
    text = "Beste klant,\n\nDe monteur komt dinsdag tussen 8 en 12 uur.\n\nMet vriendelijke groet"
    confidence = 0.72
    engine = "embedded"
    visibility = Visibility.TEAM


class DraftSourceFactory(DjangoModelFactory):
    class Meta:
        model = DraftSource

    draft = factory.SubFactory(DraftFactory)
    position = factory.Sequence(lambda n: n + 1)
    ref = factory.Sequence(lambda n: f"doc:{n}#p1")
    title = "Servicevoorwaarden"
    quote = "Bij een storing komt de monteur binnen twee werkdagen."
