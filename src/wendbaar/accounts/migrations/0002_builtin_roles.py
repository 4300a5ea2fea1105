from django.db import migrations

# Names are stored in English; the app shows built-in roles in the reader's language.
BUILTIN_ROLES = [
    ("admin", "Administrator"),
    ("manager", "Manager"),
    ("member", "Member"),
    ("service_agent", "Service agent"),
    ("sales", "Sales"),
    ("hr", "HR"),
    ("finance", "Finance"),
    ("planner", "Planner"),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name in BUILTIN_ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "is_builtin": True})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
