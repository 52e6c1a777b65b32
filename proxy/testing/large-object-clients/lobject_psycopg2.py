"""psycopg2's lobject (libpq's lo_* functions, so the protocol's FunctionCall) through a given URL.

Prints one JSON object with what each step returned; exits non-zero on any error, with the error on stderr.
Usage: /usr/bin/python3 lobject_psycopg2.py URL IMPORT_FILE EXPORT_FILE
"""
import json
import sys

import psycopg2

url, import_file, export_file = sys.argv[1:4]
conn = psycopg2.connect(url)
out = {}

lo = conn.lobject(0, "wb")
out["written"] = lo.write(b"psycopg2 large object through Warden")
oid = lo.oid
lo.close()
conn.commit()

lo = conn.lobject(oid, "rb")
out["read"] = lo.read().decode()
lo.seek(9)
out["tell"] = lo.tell()
out["rest"] = lo.read(5).decode()
lo.close()

lo = conn.lobject(oid, "wb")
lo.truncate(8)
lo.close()
conn.commit()
out["truncated"] = conn.lobject(oid, "rb").read().decode()

# Client-side import and export: the file travels over the connection, in lowrite / loread calls.
imported = conn.lobject(0, "wb", 0, import_file)
conn.commit()
imported.export(export_file)
out["imported_size"] = len(conn.lobject(imported.oid, "rb").read())
conn.commit()

conn.lobject(oid).unlink()
conn.lobject(imported.oid).unlink()
conn.commit()
out["oids"] = [oid, imported.oid]
print(json.dumps(out))
