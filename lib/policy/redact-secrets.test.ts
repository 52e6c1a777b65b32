import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier } from "./classify-statement";
import { REDACTED, redactSecrets, WITHHELD_SQL } from "./redact-secrets";

beforeAll(() => loadClassifier());

const text = (value: string | null) => ({ format: "text" as const, value, typeOid: 25 });
const redact = (sql: string) => redactSecrets(sql).sql;

describe("redactSecrets", () => {
  it.each([
    ["CREATE ROLE a LOGIN PASSWORD 's3cret'", "CREATE ROLE a LOGIN PASSWORD '<redacted>'"],
    ["create user a with encrypted password 's3cret' valid until '2030-01-01'", "create user a with encrypted password '<redacted>' valid until '2030-01-01'"],
    ["ALTER ROLE a PASSWORD 's3cret'", "ALTER ROLE a PASSWORD '<redacted>'"],
    ["ALTER USER a WITH PASSWORD 's3cret'", "ALTER USER a WITH PASSWORD '<redacted>'"],
    ["CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password 's3cret')", "CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password '<redacted>')"],
    ["ALTER USER MAPPING FOR a SERVER s OPTIONS (ADD password 's3cret')", "ALTER USER MAPPING FOR a SERVER s OPTIONS (ADD password '<redacted>')"],
    ["ALTER USER MAPPING FOR a SERVER s OPTIONS (SET \"password\" 's3cret')", "ALTER USER MAPPING FOR a SERVER s OPTIONS (SET \"password\" '<redacted>')"],
    ["CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h', password 's3cret')", "CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h', password '<redacted>')"],
    ["ALTER SYSTEM SET my.password = 's3cret'", "ALTER SYSTEM SET my.password = '<redacted>'"],
    ["SET my.password TO 's3cret'", "SET my.password TO '<redacted>'"],
    ["ALTER ROLE a SET app.db_password = 's3cret'", "ALTER ROLE a SET app.db_password = '<redacted>'"],
    ["select set_config('app.password', 's3cret', false)", "select set_config('app.password', '<redacted>', false)"],
    ["select dblink_connect('c', 'host=h password=s3cret')", "select dblink_connect('<redacted>', '<redacted>')"],
    ["select dblink_connect_u('dbname=d password=s3cret')", "select dblink_connect_u('<redacted>')"],
    ["select * from dblink('password=s3cret', 'select 1') as t(x int)", "select * from dblink('<redacted>', 'select 1') as t(x int)"],
    ["select dblink_exec('host=h ' || 'password=s3cret', 'delete from t')", "select dblink_exec('<redacted>' || '<redacted>', 'delete from t')"],
    ["DO $$BEGIN EXECUTE 'ALTER ROLE a PASSWORD ''s3cret'''; END$$", "DO '<redacted>'"],
  ])("%s", (sql, expected) => {
    const r = redactSecrets(sql);
    expect(r.sql).toBe(expected);
    expect(r.isRedacted).toBe(true);
  });

  it("leaves other statements and other settings alone, without a change", () => {
    for (const sql of ["select 'password' as word", "SET search_path TO 'x'", "select set_config('app.user', 'u', false)", "ALTER ROLE a PASSWORD NULL", "update t set password = 'x'"]) {
      expect(redactSecrets(sql)).toEqual({ sql, params: null, isRedacted: false, secrets: [] });
    }
  });

  it("cuts whole literals, whatever their quoting", () => {
    expect(redact("ALTER ROLE a PASSWORD 'pa''ss'")).toBe("ALTER ROLE a PASSWORD '<redacted>'");
    expect(redact("ALTER ROLE a PASSWORD $$se'cret$$")).toBe("ALTER ROLE a PASSWORD '<redacted>'");
    expect(redact("ALTER ROLE a PASSWORD $q$se$$cret$q$")).toBe("ALTER ROLE a PASSWORD '<redacted>'");
    expect(redact("ALTER ROLE a PASSWORD E'se\\'cr\\\\et'")).toBe("ALTER ROLE a PASSWORD '<redacted>'");
    expect(redact("ALTER ROLE a PASSWORD U&'s\\0065cret'")).toBe("ALTER ROLE a PASSWORD '<redacted>'");
    expect(redact("SET my.password = E'x\\'y'")).toBe("SET my.password = '<redacted>'");
  });

  it("counts multibyte text before the literal in bytes", () => {
    expect(redact("/* é漢🙂 */ ALTER ROLE \"rôle\" PASSWORD 'sécret🙂'")).toBe("/* é漢🙂 */ ALTER ROLE \"rôle\" PASSWORD '<redacted>'");
    expect(redact("select '日本', set_config('x.password', 'ß', false)")).toBe("select '日本', set_config('x.password', '<redacted>', false)");
  });

  it("redacts every statement of a script, and only the secrets", () => {
    const sql = "select 'keep'; ALTER ROLE a PASSWORD 'one'; SET x.password = 'two'; select dblink_connect('password=three'); select 'keep too'";
    expect(redact(sql)).toBe("select 'keep'; ALTER ROLE a PASSWORD '<redacted>'; SET x.password = '<redacted>'; select dblink_connect('<redacted>'); select 'keep too'");
  });

  it("redacts bound parameters that carry a secret, and keeps the others", () => {
    const r = redactSecrets("select set_config('app.password', $2, false), $1::text", [text("visible"), text("s3cret")]);
    expect(r.sql).toBe("select set_config('app.password', $2, false), $1::text");
    expect(r.params).toEqual([text("visible"), text(REDACTED)]);
    expect(r.isRedacted).toBe(true);

    const byName = redactSecrets("select set_config($1, $2, false)", [text("app.password"), text("s3cret")]);
    expect(byName.params).toEqual([text("app.password"), text(REDACTED)]);
    const harmless = redactSecrets("select set_config($1, $2, false)", [text("app.user"), text("u")]);
    expect(harmless.isRedacted).toBe(false);

    const dblink = redactSecrets("select dblink_connect($1)", [{ format: "binary", value: "cGFzc3dvcmQ9eA==", typeOid: 25 }]);
    expect(dblink.params).toEqual([{ format: "text", value: REDACTED, typeOid: 25 }]);
    expect(redactSecrets("select dblink_connect($1)", [text(null)]).params).toEqual([text(null)]);
  });

  it("names the values it took out, decoded, for the records that may echo them", () => {
    expect(redactSecrets("ALTER ROLE a PASSWORD 'pa''ss'").secrets).toEqual(["pa'ss"]);
    expect(redactSecrets("SET x.password = E'a\\tb'; select dblink_connect($$password=z$$)").secrets).toEqual(["a\tb", "password=z"]);
    expect(redactSecrets("select set_config('app.password', $1, false)", [text("s3cret")]).secrets).toEqual(["s3cret"]);
  });

  it("redacts EXECUTE's arguments that fill a prepared statement's secret parameters", () => {
    const executed = "select set_config('app.password', $2, false), $1::text";
    const r = redactSecrets("EXECUTE p('visible', 's3cret')", null, { executed });
    expect(r).toMatchObject({ sql: "EXECUTE p('visible', '<redacted>')", isRedacted: true, secrets: ["s3cret"] });
    expect(redactSecrets("execute p('app.password', 'x' || 'y')", null, { executed: "select set_config($1, $2, true)" }).sql).toBe("execute p('app.password', '<redacted>' || '<redacted>')");
    expect(redactSecrets("execute p('app.user', 'u')", null, { executed: "select set_config($1, $2, true)" }).isRedacted).toBe(false);
    expect(redactSecrets("EXECUTE p('s3cret')", null, { executed: "select $1::text" }).isRedacted).toBe(false);
  });

  it("fails closed on text that does not parse and mentions a password", () => {
    const r = redactSecrets("ALTER ROLE a PASSWORD 's3cret' oops", [text("x")]);
    expect(r).toEqual({ sql: WITHHELD_SQL, params: [text(REDACTED)], isRedacted: true, secrets: ["x"] });
    expect(redactSecrets("selec 1").sql).toBe("selec 1");
    expect(redactSecrets("set_config(").sql).toBe("set_config(");
  });
});
