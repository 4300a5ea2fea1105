from django.apps import AppConfig


class EvalsConfig(AppConfig):
    """`wendbaar eval TASK …`: run the product's real pipelines on public benchmark files."""

    name = "wendbaar.evals"
    label = "evals"
    verbose_name = "Evaluations"
