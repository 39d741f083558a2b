"""The database refuses UPDATE and DELETE on the audit table (and, on PostgreSQL, a TRUNCATE
of a non-empty audit table).

Both vendors raise an integrity error (SQLite ``RAISE(ABORT)`` is SQLITE_CONSTRAINT_TRIGGER;
PostgreSQL uses SQLSTATE 23001 ``restrict_violation``), so Django raises ``IntegrityError``
on either. The SQL is frozen here on purpose: a later change is a new migration.

Trap for later migrations: on SQLite, Django alters a table by rebuilding it (create, copy,
drop, rename), which drops its triggers. A migration that alters ``AuditEntry`` must run
``install`` again afterwards; ``test_triggers.py`` fails if the triggers are missing.
"""

from django.db import migrations

SQLITE_INSTALL = [
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON {table}
    BEGIN
        SELECT RAISE(ABORT, '审计日志只允许追加，禁止修改 (audit log is append-only: UPDATE refused)');
    END
    """,
    """
    CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON {table}
    BEGIN
        SELECT RAISE(ABORT, '审计日志只允许追加，禁止删除 (audit log is append-only: DELETE refused)');
    END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION jineng_audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '审计日志只允许追加，禁止 % (audit log is append-only: % refused)', TG_OP, TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION jineng_audit_refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        has_rows boolean;
    BEGIN
        -- Emptying an already empty table changes nothing (Django's test flush does that).
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO has_rows;
        IF has_rows THEN
            RAISE EXCEPTION '审计日志只允许追加，禁止 TRUNCATE (audit log is append-only: TRUNCATE refused)'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION jineng_audit_refuse_change()
    """,
    """
    CREATE TRIGGER audit_auditentry_no_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION jineng_audit_refuse_change()
    """,
    """
    CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION jineng_audit_refuse_truncate()
    """,
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON {table}",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete ON {table}",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update ON {table}",
    "DROP FUNCTION IF EXISTS jineng_audit_refuse_truncate()",
    "DROP FUNCTION IF EXISTS jineng_audit_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_UNINSTALL),
}


def _run(apps, schema_editor, *, install: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(
            f"审计日志的只追加触发器只支持 SQLite 与 PostgreSQL，当前数据库为 {vendor}"
        )
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
    for statement in STATEMENTS[vendor][0 if install else 1]:
        schema_editor.execute(statement.format(table=table), params=None)


def install(apps, schema_editor) -> None:
    _run(apps, schema_editor, install=True)


def uninstall(apps, schema_editor) -> None:
    _run(apps, schema_editor, install=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
