"""Refuse UPDATE and DELETE of audit events in the database itself, even in raw SQL.

The one update let through is Django's SET_NULL of `actor_id` when an
account is deleted (every other column unchanged). TRUNCATE, an owner-level
operation that `manage.py flush` and the test suite's reset use, is not
refused. On SQLite only UPDATE is refused: SQLite's flush is a plain DELETE,
which a DELETE trigger would break; deletes are still refused by the model
and its QuerySet.
"""

from django.db import migrations

COLUMNS = ["id", "time", "actor_email", "action", "municipality_id", "target", "ip_address"]

POSTGRESQL_FORWARD = f"""
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND ({", ".join(f"NEW.{c}" for c in COLUMNS)}, NEW.detail::text)
           IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in COLUMNS)}, OLD.detail::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER audit_event_append_only ON audit_auditevent;
DROP FUNCTION audit_event_append_only();
"""

SQLITE_FORWARD = f"""
CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
WHEN NOT (NEW.actor_id IS NULL AND {" AND ".join(f"NEW.{c} IS OLD.{c}" for c in [*COLUMNS, "detail"])})
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER audit_event_append_only;"


def _run(sql_by_vendor: dict[str, str]):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
