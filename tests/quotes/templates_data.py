"""Test data for quote templates: the fields the template form takes, and small real images."""

import io

from PIL import Image


def template_fields(**extra) -> dict:
    """The form fields of a complete template, as a browser or an API client sends them."""
    data = {
        "name": "Standaard",
        "is_default": "on",
        "language": "nl",
        "validity_days": "30",
        "intro": "Beste {customer}, hierbij onze offerte.",
        "closing": "Met vriendelijke groet",
        "delivery_terms": "Levering binnen twee weken.",
        "payment_terms": "Betaling binnen 14 dagen.",
        "company_name": "Warmtewerk B.V.",
        "company_address": "Dorpsstraat 1, Amersfoort",
        "company_email": "info@warmtewerk.test",
        "accent_colour": "#1f5f8b",
    }
    data.update(extra)
    return data


def image(fmt: str = "PNG", name: str = "logo.png", size=(8, 8)) -> io.BytesIO:
    """A real image file in `fmt` (PNG, JPEG, GIF …) under `name`."""
    data = io.BytesIO()
    Image.new("RGB", size, "#1f5f8b").save(data, fmt)
    data.seek(0)
    data.name = name
    return data
