"""The client matrix's cases for psycopg2 (Debian's python3-psycopg2, on libpq), as applications call it.

psycopg2 binds parameters on the client and speaks the simple protocol only: it has no binary
parameters, no protocol-level prepared statements and no pipeline, and it refuses the empty query
itself ("can't execute an empty query"), so those cases are not here.
"""

import datetime
import decimal
import io
import json
import threading
import time
import uuid

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from case_runner import ROWS_200K, caught, digest_rows, run_cases


def connect(t, **kw):
    kw.setdefault("sslmode", "disable")
    return psycopg2.connect(host=t["host"], port=t["port"], user=t["user"], password=t["password"], dbname=t["database"], **kw)


def autocommit(t, **kw):
    conn = connect(t, **kw)
    conn.autocommit = True
    return conn


def connect_plain(t):
    with autocommit(t) as conn, conn.cursor() as cur:
        cur.execute("select 1")
        return {"ssl": conn.info.ssl_in_use, "rows": cur.fetchall()}


def connect_tls(t):
    conn = autocommit(t, sslmode="require")
    try:
        cur = conn.cursor()
        cur.execute("select 1")
        return {"ssl": conn.info.ssl_in_use, "rows": cur.fetchall()}
    finally:
        conn.close()


def multi_statement(t):
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute("select 1; create temp table m (x int); insert into m values (1), (2); select count(*) from m")
        # psycopg2 keeps the last statement's result.
        return {"status": cur.statusmessage, "rows": cur.fetchall()}
    finally:
        conn.close()


PARAMS_SQL = "select %s::int, %s::numeric, %s::text, %s::bytea, %s::timestamptz, %s::json, %s::uuid, %s::int[], %s::text[], %s::int8"


def params_text(t):
    psycopg2.extras.register_uuid()
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute(
            PARAMS_SQL,
            (
                42,
                decimal.Decimal("12345.678900"),
                "héllo, wörld",
                psycopg2.Binary(bytes([0, 1, 2, 254, 255])),
                datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.timezone.utc),
                json.dumps({"a": [1, 2], "b": "x"}),
                uuid.UUID("6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d"),
                [1, 2, 3],
                ["a", "b c", None],
                9007199254740993,
            ),
        )
        return {"query": cur.query.decode(), "rows": cur.fetchall()}
    finally:
        conn.close()


def named_statement_reuse(t):
    # psycopg2 has no protocol-level prepare: applications PREPARE and EXECUTE in SQL.
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute("prepare double_it (int) as select $1 * 2")
        total = 0
        for i in range(50):
            cur.execute("execute double_it (%s)", (i,))
            total += cur.fetchone()[0]
        cur.execute("deallocate double_it")
        return {"sum": total}
    finally:
        conn.close()


def savepoints(t):
    conn = connect(t)
    try:
        cur = conn.cursor()
        cur.execute("create temp table s (x int) on commit preserve rows")
        conn.commit()
        cur.execute("insert into s values (1)")
        cur.execute("savepoint a")
        cur.execute("insert into s values (2)")
        failed = caught(lambda: cur.execute("insert into s values ('two')"))
        cur.execute("rollback to savepoint a")
        cur.execute("insert into s values (3)")
        cur.execute("release savepoint a")
        conn.commit()
        cur.execute("insert into s values (4)")
        conn.rollback()
        cur.execute("select x from s order by x")
        return {"failed": failed, "rows": cur.fetchall()}
    finally:
        conn.close()


def error_recovery(t):
    conn = connect(t)
    try:
        cur = conn.cursor()
        missing = caught(lambda: cur.execute("select * from nope"))
        aborted = caught(lambda: cur.execute("select 1"))
        conn.rollback()
        cur.execute("select 1")
        after = cur.fetchall()
        division = caught(lambda: cur.execute("select 1 / 0"))
        conn.rollback()
        cur.execute("select 2")
        return {"missing": missing, "aborted": aborted, "after": after, "division": division, "afterDivision": cur.fetchall()}
    finally:
        conn.close()


def syntax_error_position(t):
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        simple = caught(lambda: cur.execute("selec 1"))
        where = caught(lambda: cur.execute("select 1 from items whre id = %s", (1,)))
        end = caught(lambda: cur.execute("select 1 +"))
        cur.execute("select 1")
        return {"simple": simple, "where": where, "endOfInput": end, "after": cur.fetchall()}
    finally:
        conn.close()


def copy_in_out(t):
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute("create temp table c (id int, name text)")
        cur.copy_expert("copy c from stdin", io.StringIO("1\tAnn\n2\tB\\tob\n3\t\\N\n"))
        copied_in = cur.rowcount
        out = io.StringIO()
        cur.copy_expert("copy (select * from c order by id) to stdout with (format csv)", out)
        copied_out = cur.rowcount
        cur.copy_from(io.StringIO("4\tDee\n"), "c", columns=("id", "name"))
        cur.execute("select count(*) from c")
        return {"in": copied_in, "out": copied_out, "data": out.getvalue(), "after": cur.fetchall()}
    finally:
        conn.close()


def listen_notify(t):
    conn = autocommit(t)
    other = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute("listen matrix_channel")
        cur.execute("notify matrix_channel, 'from myself'")
        other.cursor().execute("notify matrix_channel, 'from another session'")
        deadline = time.time() + 5
        while len(conn.notifies) < 2 and time.time() < deadline:
            conn.poll()
            time.sleep(0.02)
        own_pid = conn.info.backend_pid  # libpq's PQbackendPID: the pid from BackendKeyData
        notes = list(conn.notifies)
        return {
            "payloads": [[n.channel, n.payload] for n in notes],
            "ownPidIsBackendKeyData": len(notes) > 0 and notes[0].pid == own_pid,
            "otherPidDiffers": len(notes) > 1 and notes[1].pid != own_pid,
        }
    finally:
        conn.close()
        other.close()


def cancel_sleep(t):
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        threading.Timer(0.3, conn.cancel).start()
        started = time.time()
        outcome = caught(lambda: cur.execute("select pg_sleep(30)"))
        within = time.time() - started < 5.3
        cur.execute("select 1")
        return {"outcome": outcome, "within5s": within, "after": cur.fetchall()}
    finally:
        conn.close()


def rows_200k(t):
    conn = autocommit(t)
    try:
        cur = conn.cursor()
        cur.execute(ROWS_200K)
        rows = cur.fetchall()
        return {"rows": len(rows), "sha256": digest_rows(rows)}
    finally:
        conn.close()


def cursor(t):
    # A named cursor is a server-side DECLARE, fetched itersize rows at a time.
    conn = connect(t)
    try:
        cur = conn.cursor(name="matrix_cursor")
        cur.itersize = 1000
        cur.execute("select g from generate_series(1, 5500) g")
        total = count = 0
        for (g,) in cur:
            total += g
            count += 1
        cur.close()
        conn.commit()
        scroll = conn.cursor(name="scroll_cursor", scrollable=True)
        scroll.execute("select g from generate_series(1, 25) g")
        first = scroll.fetchmany(10)
        scroll.scroll(20, mode="absolute")
        tail = scroll.fetchall()
        conn.commit()
        return {"rows": count, "sum": total, "first": first, "tail": tail}
    finally:
        conn.close()


def large_objects(t):
    # psycopg2's lobject is libpq's large-object API: lo_creat, lo_open, lowrite... as FunctionCall messages.
    conn = connect(t)
    try:
        lob = conn.lobject(0, "wb")
        lob.write(b"large object body")
        oid = lob.oid
        lob.close()
        conn.commit()
        lob = conn.lobject(oid, "rwb")
        lob.seek(0, 2)
        lob.write(b", appended")
        lob.seek(0)
        body = lob.read()
        size = lob.tell()
        lob.truncate(5)
        lob.close()
        conn.commit()
        lob = conn.lobject(oid, "rb")
        truncated = lob.read()
        lob.unlink()
        conn.commit()
        return {"body": body, "size": size, "truncated": truncated}
    finally:
        conn.close()


def startup_options(t):
    conn = autocommit(t, options="-c search_path=app,public -c statement_timeout=5000", application_name="matrix-psycopg2")
    try:
        cur = conn.cursor()
        shown = {}
        for name in ("search_path", "statement_timeout", "application_name"):
            cur.execute("show " + name)
            shown[name] = cur.fetchone()[0]
        cur.execute("select to_regclass('notes')::text")  # app.notes only via the search path
        shown["notes"] = cur.fetchone()[0]
        return shown
    finally:
        conn.close()


run_cases(
    [
        ("connect_plain", connect_plain),
        ("connect_tls", connect_tls),
        ("multi_statement", multi_statement),
        ("params_text", params_text),
        ("named_statement_reuse", named_statement_reuse),
        ("savepoints", savepoints),
        ("error_recovery", error_recovery),
        ("syntax_error_position", syntax_error_position),
        ("copy_in_out", copy_in_out),
        ("listen_notify", listen_notify),
        ("cancel_sleep", cancel_sleep),
        ("rows_200k", rows_200k),
        ("cursor", cursor),
        ("large_objects", large_objects),
        ("startup_options", startup_options),
    ]
)
