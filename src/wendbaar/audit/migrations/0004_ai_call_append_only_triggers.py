from django.db import migrations

# As 0002 does for audit events: the database itself refuses to change or delete AI-call rows.
# (wendbaar.audit.guard holds the same statements for maintenance steps; migrations do not import
# app code.)
UP = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_aicall_no_update BEFORE UPDATE ON audit_aicall
           BEGIN SELECT RAISE(ABORT, 'AI calls are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_aicall_no_delete BEFORE DELETE ON audit_aicall
           BEGIN SELECT RAISE(ABORT, 'AI calls are append-only'); END""",
    ],
    # DROP + CREATE rather than CREATE OR REPLACE TRIGGER, which PostgreSQL < 14 lacks.
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_aicall_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'AI calls are append-only'; END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS audit_aicall_append_only ON audit_aicall",
        """CREATE TRIGGER audit_aicall_append_only BEFORE UPDATE OR DELETE ON audit_aicall
           FOR EACH ROW EXECUTE FUNCTION audit_aicall_append_only()""",
        "DROP TRIGGER IF EXISTS audit_aicall_no_truncate ON audit_aicall",
        """CREATE TRIGGER audit_aicall_no_truncate BEFORE TRUNCATE ON audit_aicall
           FOR EACH STATEMENT EXECUTE FUNCTION audit_aicall_append_only()""",
    ],
}
DOWN = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_aicall_no_update",
        "DROP TRIGGER IF EXISTS audit_aicall_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_aicall_no_truncate ON audit_aicall",
        "DROP TRIGGER IF EXISTS audit_aicall_append_only ON audit_aicall",
        "DROP FUNCTION IF EXISTS audit_aicall_append_only()",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_ai_call")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
