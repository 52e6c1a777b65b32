import { beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_FUNCTIONS_MAY_WRITE, BUILTIN_FUNCTIONS_NEVER_WRITING, BUILTIN_OPERATORS, BUILTIN_TYPES } from "@/lib/policy/builtin-catalog";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { judgeReadSafety, snapshotFromRows, type ReadSafetySnapshot } from "./read-safety-snapshot";

beforeAll(() => loadClassifier());

/** A target's catalog as READ_SAFETY_CATALOG_SQL returns it (the integration test runs the query itself). */
const snapshot: ReadSafetySnapshot = snapshotFromRows([
  ["function", "public", "stab", "s"],
  ["function", "public", "vol", "v"],
  ["function", "app", "mixed", "s"],
  ["function", "other", "mixed", "v"],
  ["function", "shadow", "lower", "v"],
  ["function", "public", "upper", "s"],
  ["catalog-volatile", null, "random", null],
  ["catalog-volatile", null, "only_on_this_version", null],
  ["operator", "public", "###", null],
  ["operator", "public", "=", null],
  ["type", "public", "positive", "unsafe"],
  ["type", "public", "text", "safe"],
  ["type", "public", "citext", "safe"],
  ["type", "other", "citext", "unsafe"],
  ["type", "public", "mood", "safe"],
  ["relation", "public", "t", "safe"],
  ["relation", "app", "t", "safe"],
  ["relation", "public", "orders", "safe"],
  ["relation", "reporting", "orders", "unsafe"],
  ["relation", "public", "v", "unsafe"],
  ["relation", "pg_catalog", "pg_class", "safe"],
]);

const why = (sql: string, s = snapshot) => {
  const [st] = classifySql(sql).statements;
  return judgeReadSafety(st.readSafety!, s)?.reason ?? null;
};

describe("the generated list of built-ins", () => {
  it("knows which built-ins can write", () => {
    for (const f of ["random", "pg_advisory_lock", "set_config", "pg_notify", "lo_creat", "nextval", "setval", "pg_terminate_backend", "txid_current", "pg_current_xact_id", "query_to_xml"]) {
      expect(BUILTIN_FUNCTIONS_MAY_WRITE.has(f), f).toBe(true);
      expect(BUILTIN_FUNCTIONS_NEVER_WRITING.has(f), f).toBe(false);
    }
    for (const f of ["now", "lower", "count", "sum", "current_setting", "txid_current_if_assigned", "jsonb_build_object"]) {
      expect(BUILTIN_FUNCTIONS_NEVER_WRITING.has(f), f).toBe(true);
    }
    expect(BUILTIN_OPERATORS.has("=")).toBe(true);
    expect(BUILTIN_TYPES.has("int4")).toBe(true);
  });
});

describe("judgeReadSafety", () => {
  it("accepts reads of tables with never-writing functions", () => {
    expect(why("select count(*), upper(x) from t where y > now() - interval '1 day'")).toBeNull();
    expect(why("select stab(), public.stab(), app.mixed() from app.t")).toBeNull();
    expect(why("select * from pg_class")).toBeNull();
    expect(why("select pg_catalog.lower('A')")).toBeNull();
    expect(why("with v as (select 1) select * from v")).not.toBeNull(); // a relation named v is a view somewhere
    expect(why("with w as (select 1) select * from w")).toBeNull();
  });

  it("refuses volatile and unknown functions", () => {
    expect(why("select vol()")).toMatch(/vol is a volatile function/);
    expect(why("select random()")).toMatch(/volatile built-in/);
    expect(why("select only_on_this_version()")).toMatch(/volatile built-in/);
    expect(why("select nope()")).toMatch(/not in the target's catalog/);
    expect(why("select other.mixed()")).toMatch(/volatile/);
    // Unqualified: another schema's volatile function of that name may be the one found.
    expect(why("select mixed()")).toMatch(/volatile/);
    expect(why("select lower('A')")).toMatch(/volatile/);
    expect(why("select pg_catalog.random()")).toMatch(/not a built-in function known never to write/);
  });

  it("accepts operators the target has (none of them volatile), refuses unknown ones", () => {
    expect(why("select 1 ### 2")).toBeNull();
    expect(why("select 1 = 1, 1 OPERATOR(pg_catalog.=) 1, 1 + 1, 1 OPERATOR(public.###) 1")).toBeNull();
    expect(why("select 1 OPERATOR(other.###) 1")).toMatch(/operator other.### is not in the target's catalog/);
    expect(why("select 1 #### 2")).toMatch(/operator #### is not in the target's catalog/);
  });

  it("refuses casts to domains and composite types, and to names one of them shadows", () => {
    expect(why("select 1::positive")).toMatch(/domain's CHECK/);
    expect(why("select 'a'::text, 'b'::public.citext, 'happy'::mood")).toBeNull();
    expect(why("select 'a'::citext")).toMatch(/domain's CHECK/);
    expect(why("select 'a'::other.citext")).toMatch(/domain's CHECK/);
    expect(why("select 'a'::varchar, 1::int")).toBeNull();
    expect(why("select 'a'::no_such_type")).toMatch(/not in the target's catalog/);
  });

  it("refuses relations that can run code, by name in any schema", () => {
    expect(why("select * from v")).toMatch(/can run code/);
    expect(why("select * from orders")).toMatch(/can run code/);
    expect(why("select * from public.orders")).toBeNull();
    expect(why("select * from reporting.orders")).toMatch(/can run code/);
    expect(why("select * from new_table")).toMatch(/not in the target's catalog/);
  });

  it("refuses a name after a dot that is a volatile function (attribute notation)", () => {
    expect(why("select t.vol from t")).toMatch(/call of a volatile function/);
    expect(why("select t.random from t")).toMatch(/call of a volatile function/);
    expect(why("select t.id from t")).toBeNull();
  });

  it("refuses everything on a target with a volatile implicitly-called function", () => {
    const s = snapshotFromRows([
      ["relation", "public", "t", "safe"],
      ["implicit-volatile", null, null, "true"],
    ]);
    expect(why("select * from public.t", s)).toMatch(/volatile function/);
  });

  it("says which refusals a fresher catalog could lift", () => {
    const [st] = classifySql("select * from new_table").statements;
    expect(judgeReadSafety(st.readSafety!, snapshot)?.isUnknownName).toBe(true);
    const [v] = classifySql("select * from v").statements;
    expect(judgeReadSafety(v.readSafety!, snapshot)?.isUnknownName).toBe(false);
  });
});
