"""The database-level guard that makes the audit log and the AI-call log append-only.

Migrations 0002 (audit events) and 0004 (AI calls) install it. Only a deliberate maintenance step
(a retention purge that is itself audited, or a test suite resetting its database) may lift it, and
must put it back.
"""

from contextlib import contextmanager

from django.db import connection as default_connection

_UP = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_aicall_no_update BEFORE UPDATE ON audit_aicall
           BEGIN SELECT RAISE(ABORT, 'AI calls are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_aicall_no_delete BEFORE DELETE ON audit_aicall
           BEGIN SELECT RAISE(ABORT, 'AI calls are append-only'); END""",
    ],
    # DROP + CREATE rather than CREATE OR REPLACE TRIGGER, which PostgreSQL < 14 lacks.
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
        """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
        """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
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
_DOWN = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
        "DROP TRIGGER IF EXISTS audit_aicall_no_update",
        "DROP TRIGGER IF EXISTS audit_aicall_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_aicall_no_truncate ON audit_aicall",
        "DROP TRIGGER IF EXISTS audit_aicall_append_only ON audit_aicall",
    ],
}


def install(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in _UP.get(connection.vendor, []):
            cursor.execute(statement)


def remove(connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in _DOWN.get(connection.vendor, []):
            cursor.execute(statement)


@contextmanager
def lifted(connection=None):
    """Lift the guard for a maintenance step; it is back in place afterwards, whatever happens."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
