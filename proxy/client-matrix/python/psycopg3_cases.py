"""The client matrix's cases for psycopg 3 (Debian's python3-psycopg, on libpq), as applications call it.

psycopg 3 binds parameters on the server (extended protocol), in text or binary, prepares statements
it sees often, pipelines, and streams. It has no large-object API: applications call the server's
lo_* functions in SQL.
"""

import datetime
import decimal
import threading
import time
import uuid

import psycopg
import psycopg.pq
from psycopg.types.json import Json

from case_runner import ROWS_200K, caught, digest_rows, run_cases


def conninfo(t, **kw):
    kw.setdefault("sslmode", "disable")
    return psycopg.conninfo.make_conninfo(host=t["host"], port=t["port"], user=t["user"], password=t["password"], dbname=t["database"], **kw)


def connect(t, autocommit=True, **kw):
    return psycopg.connect(conninfo(t, **kw), autocommit=autocommit)


def connect_plain(t):
    with connect(t) as conn:
        return {"ssl": conn.pgconn.ssl_in_use, "rows": conn.execute("select 1").fetchall()}


def connect_tls(t):
    with connect(t, sslmode="require") as conn:
        return {"ssl": conn.pgconn.ssl_in_use, "rows": conn.execute("select 1").fetchall()}


def multi_statement(t):
    with connect(t) as conn:
        cur = conn.execute("select 1; create temp table m (x int); insert into m values (1), (2); select count(*) from m")
        results = []
        while True:
            results.append({"status": cur.statusmessage, "rows": cur.fetchall() if cur.description else None})
            if not cur.nextset():
                break
        return results


def empty_query(t):
    with connect(t) as conn:
        status = lambda cur: psycopg.pq.ExecStatus(cur.pgresult.status).name  # noqa: E731
        return {
            "simple": status(conn.execute("")),
            # A binary cursor always uses the extended protocol.
            "extended": status(conn.cursor(binary=True).execute("")),
            "comment": status(conn.execute("  -- nothing to run\n")),
            "after": conn.execute("select 1").fetchall(),
        }


PARAMS_SQL = "select %{0}::int, %{0}::numeric, %{0}::text, %{0}::bytea, %{0}::timestamptz, %{0}::json, %{0}::uuid, %{0}::int[], %{0}::text[], %{0}::int8"
PARAMS = (
    42,
    decimal.Decimal("12345.678900"),
    "héllo, wörld",
    bytes([0, 1, 2, 254, 255]),
    datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.timezone.utc),
    Json({"a": [1, 2], "b": "x"}),
    uuid.UUID("6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d"),
    [1, 2, 3],
    ["a", "b c", None],
    9007199254740993,
)


def params_text(t):
    with connect(t) as conn:
        return conn.execute(PARAMS_SQL.format("t"), PARAMS).fetchall()


def params_binary(t):
    with connect(t) as conn:
        return conn.cursor(binary=True).execute(PARAMS_SQL.format("b"), PARAMS).fetchall()


def named_statement_reuse(t):
    # prepare=True: psycopg names the statement on the server at once and reuses it.
    with connect(t) as conn:
        total = 0
        for i in range(50):
            total += conn.execute("select %s::int * 2", (i,), prepare=True).fetchone()[0]
            if i % 10 == 0:
                total += conn.execute("select %s::int + 1", (i,), prepare=True).fetchone()[0]
        return {"sum": total}


def pipeline(t):
    with connect(t) as conn:
        conn.execute("create temp table p (x int)")
        with conn.pipeline() as p:
            cur = conn.cursor()
            cur.executemany("insert into p values (%s)", [(i,) for i in range(20)])
            selects = [conn.execute("select %s::int", (i,)) for i in range(5)]
            count = conn.execute("select count(*), sum(x) from p")
            p.sync()
            values = [s.fetchone()[0] for s in selects]
            counted = count.fetchone()
        failed_run = {}
        try:
            with conn.pipeline():
                conn.execute("insert into p values (100)")
                conn.execute("select 1 / 0")
                conn.execute("insert into p values (101)")
        except psycopg.Error as err:
            failed_run = {"type": type(err).__name__, "code": err.sqlstate}
        return {"values": values, "counted": counted, "failed": failed_run, "after": conn.execute("select count(*) from p").fetchall()}


def savepoints(t):
    with connect(t) as conn:
        conn.execute("create temp table s (x int)")
        with conn.transaction():
            conn.execute("insert into s values (1)")
            failed = {}
            try:
                with conn.transaction():
                    conn.execute("insert into s values (2)")
                    conn.execute("insert into s values ('two')")
            except psycopg.Error as err:
                failed = {"type": type(err).__name__, "code": err.sqlstate}
            with conn.transaction():
                conn.execute("insert into s values (3)")
        with conn.transaction():
            conn.execute("insert into s values (4)")
            raise psycopg.Rollback()
        return {"failed": failed, "rows": conn.execute("select x from s order by x").fetchall()}


def error_recovery(t):
    with connect(t, autocommit=False) as conn:
        missing = caught(lambda: conn.execute("select * from nope"))
        aborted = caught(lambda: conn.execute("select 1"))
        conn.rollback()
        after = conn.execute("select 1").fetchall()
        bad_param = caught(lambda: conn.execute("select %s::int", ("not a number",)))
        conn.rollback()
        return {"missing": missing, "aborted": aborted, "after": after, "badParam": bad_param, "afterBadParam": conn.execute("select %s::int", (3,)).fetchall()}


def syntax_error_position(t):
    with connect(t) as conn:
        return {
            "simple": caught(lambda: conn.execute("selec 1")),
            "extended": caught(lambda: conn.execute("select 1 from items whre id = %s", (1,))),
            "extendedUnparsable": caught(lambda: conn.execute("selec %s", (1,))),
            "endOfInput": caught(lambda: conn.execute("select 1 +")),
            "after": conn.execute("select 1").fetchall(),
        }


def copy_in_out(t):
    with connect(t) as conn:
        conn.execute("create temp table c (id int, name text)")
        cur = conn.cursor()
        with cur.copy("copy c (id, name) from stdin") as copy:
            for row in [(1, "Ann"), (2, "B\tob"), (3, None)]:
                copy.write_row(row)
        copied_in = cur.rowcount
        with cur.copy("copy c (id, name) from stdin (format binary)") as copy:
            copy.set_types(["int4", "text"])
            copy.write_row((4, "Dee"))
        rows = []
        with cur.copy("copy (select * from c order by id) to stdout") as copy:
            rows = [list(r) for r in copy.rows()]
        return {"in": copied_in, "rows": rows, "out": cur.rowcount}


def copy_extended(t):
    # libpq's PQsendQueryParams starts COPY over the extended protocol (Parse/Bind/Execute/Sync).
    pg = psycopg.pq.PGconn.connect(conninfo(t).encode())
    try:
        if pg.status != psycopg.pq.ConnStatus.OK:
            raise RuntimeError(pg.error_message.decode())

        def run(sql):
            pg.send_query_params(sql.encode(), None)
            return pg.get_result()

        def finish():
            results = []
            while (r := pg.get_result()) is not None:
                results.append((psycopg.pq.ExecStatus(r.status).name, (r.command_status or b"").decode(), r.error_field(psycopg.pq.DiagnosticField.SQLSTATE)))
            return results

        started = run("create temp table c (id int, name text)")
        finish()
        started = run("copy c from stdin")
        start_status = psycopg.pq.ExecStatus(started.status).name
        pg.put_copy_data(b"1\tAnn\n2\tBob\n")
        pg.put_copy_end()
        copied_in = finish()
        started = run("copy (select * from c order by id) to stdout")
        out_status = psycopg.pq.ExecStatus(started.status).name
        chunks = []
        while True:
            n, data = pg.get_copy_data(0)
            if n < 0:
                break
            chunks.append(bytes(data))
        copied_out = finish()
        counted = run("select count(*) from c")
        count = counted.get_value(0, 0)
        finish()
        return {"in": [start_status, copied_in], "out": [out_status, b"".join(chunks).decode(), copied_out], "count": count.decode()}
    finally:
        pg.finish()


def listen_notify(t):
    with connect(t) as conn, connect(t) as other:
        received = []
        conn.add_notify_handler(received.append)
        conn.execute("listen matrix_channel")
        conn.execute("notify matrix_channel, 'from myself'")
        other.execute("notify matrix_channel, 'from another session'")
        deadline = time.time() + 5
        while len(received) < 2 and time.time() < deadline:
            conn.execute("select 1")
            time.sleep(0.02)
        own_pid = conn.info.backend_pid  # libpq's PQbackendPID: the pid from BackendKeyData
        return {
            "payloads": [[n.channel, n.payload] for n in received],
            "ownPidIsBackendKeyData": len(received) > 0 and received[0].pid == own_pid,
            "otherPidDiffers": len(received) > 1 and received[1].pid != own_pid,
        }


def cancel_sleep(t):
    with connect(t) as conn:
        threading.Timer(0.3, conn.cancel).start()
        started = time.time()
        outcome = caught(lambda: conn.execute("select pg_sleep(30)"))
        within = time.time() - started < 5.3
        return {"outcome": outcome, "within5s": within, "after": conn.execute("select 1").fetchall()}


def rows_200k(t):
    with connect(t) as conn:
        rows = conn.execute(ROWS_200K).fetchall()
        return {"rows": len(rows), "sha256": digest_rows(rows)}


def cursor(t):
    with connect(t, autocommit=False) as conn:
        # A server-side cursor (DECLARE, then FETCH itersize rows at a time).
        server = conn.cursor(name="matrix_cursor")
        server.itersize = 1000
        server.execute("select g from generate_series(1, 5500) g where g > %s", (0,))
        total = count = 0
        for (g,) in server:
            total += g
            count += 1
        server.close()
        conn.commit()
        # Streaming in libpq's single-row mode.
        streamed = sum(1 for _ in conn.cursor().stream("select g from generate_series(1, 3000) g"))
        conn.commit()
        return {"rows": count, "sum": total, "streamed": streamed}


def large_objects_sql(t):
    with connect(t) as conn, conn.transaction():
        oid = conn.execute("select lo_from_bytea(0, %s)", (b"large object body",)).fetchone()[0]
        fd = conn.execute("select lo_open(%s, 393216)", (oid,)).fetchone()[0]
        conn.execute("select lo_lseek(%s, 0, 2)", (fd,))
        conn.execute("select lowrite(%s, %s)", (fd, b", appended"))
        conn.execute("select lo_lseek(%s, 0, 0)", (fd,))
        read = conn.execute("select loread(%s, 100)", (fd,)).fetchone()[0]
        conn.execute("select lo_close(%s)", (fd,))
        whole = conn.execute("select lo_get(%s)", (oid,)).fetchone()[0]
        conn.execute("select lo_unlink(%s)", (oid,))
        return {"read": bytes(read).decode(), "whole": bytes(whole).decode()}


def startup_options(t):
    with connect(t, options="-c search_path=app,public -c statement_timeout=5000", application_name="matrix-psycopg3") as conn:
        shown = {name: conn.execute("show " + name).fetchone()[0] for name in ("search_path", "statement_timeout", "application_name")}
        shown["notes"] = conn.execute("select to_regclass('notes')::text").fetchone()[0]  # app.notes only via the search path
        return shown


run_cases(
    [
        ("connect_plain", connect_plain),
        ("connect_tls", connect_tls),
        ("multi_statement", multi_statement),
        ("empty_query", empty_query),
        ("params_text", params_text),
        ("params_binary", params_binary),
        ("named_statement_reuse", named_statement_reuse),
        ("pipeline", pipeline),
        ("savepoints", savepoints),
        ("error_recovery", error_recovery),
        ("syntax_error_position", syntax_error_position),
        ("copy_in_out", copy_in_out),
        ("copy_extended", copy_extended),
        ("listen_notify", listen_notify),
        ("cancel_sleep", cancel_sleep),
        ("rows_200k", rows_200k),
        ("cursor", cursor),
        ("large_objects_sql", large_objects_sql),
        ("startup_options", startup_options),
    ]
)
