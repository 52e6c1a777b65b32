"""Runs a Python client's matrix cases and prints one JSON line per case: {case, ok, detail, trace}.

Each case runs in its own thread with a deadline, on its own connections, so a case that hangs or
breaks its session is reported and the others still run. The detail holds only what two healthy
runs observe alike (no process ids, OIDs or times), so the direct and gateway runs compare equal.
"""

import datetime
import decimal
import json
import os
import sys
import threading
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

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            result = {"ok": False, "detail": {"error": "no outcome within %s s" % timeout}}
        print(json.dumps({"case": name, **result}, default=jsonable), flush=True)
    # A case still hanging in its thread must not keep the process alive.
    sys.stdout.flush()
    os._exit(0)
