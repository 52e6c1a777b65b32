import { describe, expect, it } from "vitest";
import { copyTriggersSql, measureSql, parseMeasurement, parseSnapshot } from "./measure-sql";

describe("measure-sql", () => {
  it("reads a snapshot: counters, exclusive locks, the highest relation OID", () => {
    const snap = parseSnapshot([
      ["c", "16384", "5", "0", "1"],
      ["l", "16390", "0", "0", "0"],
      ["m", "16400", "0", "0", "0"],
    ]);
    expect(snap).toEqual({ counters: [{ relid: 16384, inserted: 5, updated: 0, deleted: 1 }], locks: [16390], maxRelationOid: 16400 });
    const sql = measureSql(snap);
    expect(sql).toContain("(16384::oid, 5::int8, 0::int8, 1::int8)");
    expect(sql).toContain("'{16390}'::oid[]");
    expect(sql).toContain("<= 16400");
    expect(() => measureSql({ ...snap, maxRelationOid: Number.NaN })).toThrow();
  });

  it("reads a measurement into per-table changes, with the rows each table had before", () => {
    const report = parseMeasurement([
      ["c", "2", "0", "0", "100", "public.t", "0"],
      ["c", "3", "2", "0", "0", "public.a", "12"],
      ["l", "4", "0", "0", "0", "public.t", "0"],
    ]);
    expect(report.tables).toEqual([
      { relation: "public.a", inserted: 2, updated: 0, deleted: 0, tableRows: 10, share: 0 },
      { relation: "public.t", inserted: 0, updated: 0, deleted: 100, tableRows: 100, share: 1 },
    ]);
    expect(report.exclusiveLocks).toEqual(["public.t"]);
  });

  it("quotes the COPY's table names as literals of quoted identifiers", () => {
    expect(copyTriggersSql([{ schema: "s'x", name: 'we"ird' }])).toContain(`'"s''x"."we""ird"'`);
  });
});
