"""Runs a Python client's matrix cases and prints one JSON line per case: {case, ok, detail, trace, ms}.

Each case runs in its own thread with a deadline, on its own connections, so a case that hangs or
breaks its session is reported and the others still run. The detail holds only what two healthy
runs observe alike (no process ids, OIDs or times), so the direct and gateway runs compare equal.
"""

import datetime
import decimal
import hashlib
import json
import os
import sys
import threading
import time
import traceback
import uuid


def target_from_argv():
    """The target as the test passes it: a JSON object with host, port, user, password, database."""
    return json.loads(sys.argv[1])


def error_detail(err):
    """What a client shows of an error: SQLSTATE, message, position, hint, and its text (LINE 1 and caret)."""
    diag = getattr(err, "diag", None)
    if diag is not None:
        return {
            "type": type(err).__name__,
            "code": diag.sqlstate,
            "message": diag.message_primary,
            "position": diag.statement_position,
            "hint": diag.message_hint,
            "text": str(err),
        }
    return {
        "type": type(err).__name__,
        "code": getattr(err, "sqlstate", None),
        "message": getattr(err, "message", None) or str(err),
        "position": getattr(err, "position", None),
        "hint": getattr(err, "hint", None),
    }


def caught(fn):
    """Runs fn expecting it to fail; returns the error as the client shows it."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - every failure is what the case observes
        return error_detail(err)
    return {"code": "no error"}


# The 200,000-row result every client reads (digits of md5 turned into letters, so the default
# policy's card-number detector finds nothing to mask).
ROWS_200K = "select g, translate(md5(g::text), '0123456789', 'ghijklmnop') as h from generate_series(1, 200000) g"


def digest_rows(rows):
    """sha256 of the rows as "g\\th\\n" lines, as every client's case computes it."""
    h = hashlib.sha256()
    for row in rows:
        h.update(("\t".join(str(v) for v in row) + "\n").encode())
    return h.hexdigest()


def jsonable(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    if hasattr(value, "_asdict"):
        return value._asdict()
    return repr(value)


def run_cases(cases, timeout=30.0):
    """cases: (name, function(target)) pairs, run in order; exits the process when done."""
    target = target_from_argv()
    for name, fn in cases:
        result = {}

        def work(fn=fn, result=result):
            try:
                result["detail"] = fn(target)
                result["ok"] = True
            except BaseException as err:  # noqa: BLE001
                result["ok"] = False
                result["detail"] = error_detail(err)
                result["trace"] = traceback.format_exc()

        started = time.monotonic()
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            result = {"ok": False, "detail": {"error": "no outcome within %s s" % timeout}}
        result["ms"] = round((time.monotonic() - started) * 1000)
        print(json.dumps({"case": name, **result}, default=jsonable), flush=True)
    # A case still hanging in its thread must not keep the process alive.
    sys.stdout.flush()
    os._exit(0)
