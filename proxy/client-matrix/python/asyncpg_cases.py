"""The client matrix's cases for asyncpg (Debian's python3-asyncpg), as applications call it.

asyncpg speaks the protocol itself (no libpq): binary parameters and results always, a named
prepared statement for every query, pipelined executemany, portals fetched in batches for cursors.
It has no large-object API. Its direct TLS sends no ALPN, which PostgreSQL 17+ refuses, so direct
TLS is not among its cases.
"""

import asyncio
import datetime
import decimal
import io
import json
import time
import uuid

import asyncpg

from case_runner import ROWS_200K, digest_rows, error_detail, run_cases


async def connect(t, **kw):
    kw.setdefault("ssl", False)
    return await asyncpg.connect(host=t["host"], port=t["port"], user=t["user"], password=t["password"], database=t["database"], **kw)


async def caught(awaitable):
    try:
        await awaitable
    except Exception as err:  # noqa: BLE001 - the failure is what the case observes
        return error_detail(err)
    return {"code": "no error"}


def case(fn):
    """An async case as the runner's plain function, on its own event loop and connection."""
    return lambda t: asyncio.run(fn(t))


async def connect_plain(t):
    conn = await connect(t)
    try:
        return {"ssl": conn._transport.get_extra_info("ssl_object") is not None, "value": await conn.fetchval("select 1")}
    finally:
        await conn.close()


async def connect_tls(t):
    conn = await connect(t, ssl="require")
    try:
        return {"ssl": conn._transport.get_extra_info("ssl_object") is not None, "value": await conn.fetchval("select 1")}
    finally:
        await conn.close()


async def multi_statement(t):
    conn = await connect(t)
    try:
        # execute() without arguments uses the simple protocol and returns the last command's tag.
        status = await conn.execute("select 1; create temp table m (x int); insert into m values (1), (2); select count(*) from m")
        return {"status": status, "count": await conn.fetchval("select count(*) from m")}
    finally:
        await conn.close()


async def empty_query(t):
    conn = await connect(t)
    try:
        return {
            "extended": await conn.fetch(""),
            "comment": await conn.fetch("  -- nothing to run\n"),
            # asyncpg 0.27 itself fails on EmptyQueryResponse to a simple Query (its status tag is
            # None); failing the same way through the gateway shows the gateway answered as the server.
            "simple": await caught(conn.execute("")),
            "after": await conn.fetchval("select 1"),
        }
    finally:
        await conn.close()


PARAMS_SQL = "select $1::int, $2::numeric, $3::text, $4::bytea, $5::timestamptz, $6::json, $7::uuid, $8::int[], $9::text[], $10::int8"
PARAMS = (
    42,
    decimal.Decimal("12345.678900"),
    "héllo, wörld",
    bytes([0, 1, 2, 254, 255]),
    datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.timezone.utc),
    json.dumps({"a": [1, 2], "b": "x"}),
    uuid.UUID("6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d"),
    [1, 2, 3],
    ["a", "b c", None],
    9007199254740993,
)


async def params_binary(t):
    conn = await connect(t)
    try:
        return list(await conn.fetchrow(PARAMS_SQL, *PARAMS))
    finally:
        await conn.close()


async def named_statement_reuse(t):
    conn = await connect(t)
    try:
        double = await conn.prepare("select $1::int * 2")
        plus = await conn.prepare("select $1::int + 1")
        total = 0
        for i in range(50):
            total += await double.fetchval(i)
            if i % 10 == 0:
                total += await plus.fetchval(i)
        return {"sum": total}
    finally:
        await conn.close()


async def pipeline(t):
    # executemany sends every Bind/Execute before reading the replies.
    conn = await connect(t)
    try:
        await conn.execute("create temp table p (x int)")
        await conn.executemany("insert into p values ($1)", [(i,) for i in range(200)])
        failed = await caught(conn.executemany("insert into p values (10 / $1)", [(1,), (0,), (2,)]))
        return {"failed": failed, "after": list(await conn.fetchrow("select count(*), sum(x) from p"))}
    finally:
        await conn.close()


async def savepoints(t):
    conn = await connect(t)
    try:
        await conn.execute("create temp table s (x int)")
        failed = {}
        async with conn.transaction():
            await conn.execute("insert into s values (1)")
            try:
                async with conn.transaction():
                    await conn.execute("insert into s values (2)")
                    await conn.execute("insert into s values ('two')")
            except asyncpg.PostgresError as err:
                failed = {"type": type(err).__name__, "code": err.sqlstate}
            async with conn.transaction():
                await conn.execute("insert into s values (3)")
        tx = conn.transaction()
        await tx.start()
        await conn.execute("insert into s values (4)")
        await tx.rollback()
        return {"failed": failed, "rows": [r[0] for r in await conn.fetch("select x from s order by x")]}
    finally:
        await conn.close()


async def error_recovery(t):
    conn = await connect(t)
    try:
        missing = await caught(conn.fetch("select * from nope"))
        after = await conn.fetchval("select 1")
        tx = conn.transaction()
        await tx.start()
        division = await caught(conn.fetch("select 1 / 0"))
        aborted = await caught(conn.fetch("select 1"))
        await tx.rollback()
        bad_param = await caught(conn.fetch("select $1::text::int", "not a number"))
        return {"missing": missing, "after": after, "division": division, "aborted": aborted, "badParam": bad_param, "afterAll": await conn.fetchval("select 2")}
    finally:
        await conn.close()


async def syntax_error_position(t):
    conn = await connect(t)
    try:
        return {
            "extended": await caught(conn.fetch("selec 1")),
            "where": await caught(conn.fetch("select 1 from items whre id = $1", 1)),
            "simple": await caught(conn.execute("selec 1")),
            "endOfInput": await caught(conn.fetch("select 1 +")),
            "after": await conn.fetchval("select 1"),
        }
    finally:
        await conn.close()


async def copy_in_out(t):
    conn = await connect(t)
    try:
        await conn.execute("create temp table c (id int, name text)")
        copied_in = await conn.copy_records_to_table("c", records=[(1, "Ann"), (2, "B\tob"), (3, None)])
        copied_text = await conn.copy_to_table("c", source=io.BytesIO(b"4\tDee\n"))
        out = io.BytesIO()
        copied_out = await conn.copy_from_query("select * from c order by id", output=out, format="csv")
        return {"in": [copied_in, copied_text], "out": copied_out, "data": out.getvalue().decode()}
    finally:
        await conn.close()


async def listen_notify(t):
    conn = await connect(t)
    other = await connect(t)
    try:
        received = []
        await conn.add_listener("matrix_channel", lambda _c, pid, channel, payload: received.append((pid, channel, payload)))
        await conn.execute("notify matrix_channel, 'from myself'")
        await other.execute("notify matrix_channel, 'from another session'")
        for _ in range(250):
            if len(received) >= 2:
                break
            await asyncio.sleep(0.02)
        own_pid = conn.get_server_pid()  # the pid from BackendKeyData
        return {
            "payloads": [[c, p] for _, c, p in received],
            "ownPidIsBackendKeyData": len(received) > 0 and received[0][0] == own_pid,
            "otherPidDiffers": len(received) > 1 and received[1][0] != own_pid,
        }
    finally:
        await conn.close()
        await other.close()


async def cancel_sleep(t):
    # A timeout makes asyncpg send a CancelRequest and wait for the server to cancel the query.
    conn = await connect(t)
    try:
        started = time.time()
        outcome = await caught(conn.execute("select pg_sleep(30)", timeout=0.3))
        # The next query waits for the cancellation to finish: quick only if the server canceled.
        after = await conn.fetchval("select 1")
        return {"outcome": outcome, "after": after, "within5s": time.time() - started < 5.3}
    finally:
        await conn.close()


async def rows_200k(t):
    conn = await connect(t)
    try:
        rows = await conn.fetch(ROWS_200K)
        return {"rows": len(rows), "sha256": digest_rows(rows)}
    finally:
        await conn.close()


async def cursor(t):
    conn = await connect(t)
    try:
        async with conn.transaction():
            total = count = 0
            async for r in conn.cursor("select g from generate_series(1, 5500) g where g > $1", 0, prefetch=1000):
                total += r[0]
                count += 1
            cur = await conn.cursor("select g from generate_series(1, 25) g")
            first = [r[0] for r in await cur.fetch(10)]
            await cur.forward(10)
            tail = [r[0] for r in await cur.fetch(10)]
        return {"rows": count, "sum": total, "first": first, "tail": tail}
    finally:
        await conn.close()


async def large_objects_sql(t):
    conn = await connect(t)
    try:
        async with conn.transaction():
            oid = await conn.fetchval("select lo_from_bytea(0, $1)", b"large object body")
            fd = await conn.fetchval("select lo_open($1, 393216)", oid)
            await conn.execute("select lo_lseek($1, 0, 2)", fd)
            await conn.execute("select lowrite($1, $2)", fd, b", appended")
            await conn.execute("select lo_lseek($1, 0, 0)", fd)
            read = await conn.fetchval("select loread($1, 100)", fd)
            await conn.execute("select lo_close($1)", fd)
            whole = await conn.fetchval("select lo_get($1)", oid)
            await conn.execute("select lo_unlink($1)", oid)
        return {"read": read.decode(), "whole": whole.decode()}
    finally:
        await conn.close()


async def show_settings(conn):
    shown = {name: await conn.fetchval("show " + name) for name in ("search_path", "statement_timeout", "application_name", "DateStyle")}
    shown["notes"] = await conn.fetchval("select to_regclass('notes')::text")  # app.notes only via the search path
    return shown


async def startup_options(t):
    # asyncpg sends server_settings as startup parameters; `options` is the libpq-style -c list.
    conn = await connect(t, server_settings={"options": "-c search_path=app,public -c statement_timeout=5000", "application_name": "matrix-asyncpg"})
    try:
        return await show_settings(conn)
    finally:
        await conn.close()


async def startup_parameters(t):
    conn = await connect(t, server_settings={"search_path": "app,public", "statement_timeout": "5000", "DateStyle": "SQL, DMY"})
    try:
        return await show_settings(conn)
    finally:
        await conn.close()


run_cases(
    [
        ("connect_plain", case(connect_plain)),
        ("connect_tls", case(connect_tls)),
        ("multi_statement", case(multi_statement)),
        ("empty_query", case(empty_query)),
        ("params_binary", case(params_binary)),
        ("named_statement_reuse", case(named_statement_reuse)),
        ("pipeline", case(pipeline)),
        ("savepoints", case(savepoints)),
        ("error_recovery", case(error_recovery)),
        ("syntax_error_position", case(syntax_error_position)),
        ("copy_in_out", case(copy_in_out)),
        ("listen_notify", case(listen_notify)),
        ("cancel_sleep", case(cancel_sleep)),
        ("rows_200k", case(rows_200k)),
        ("cursor", case(cursor)),
        ("large_objects_sql", case(large_objects_sql)),
        ("startup_options", case(startup_options)),
        ("startup_parameters", case(startup_parameters)),
    ]
)
