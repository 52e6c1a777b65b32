import { beforeAll, describe, expect, it } from "vitest";
import { diffCounters, findBlastRadiusRule, isWithinReviewed, judgeBlastRadius, tableChange, type BlastRadiusReport } from "./blast-radius";
import { classifySql, loadClassifier } from "./classify-statement";
import { defaultPolicy } from "./default-policy";
import { policyDocumentSchema } from "./policy-document";

const human = { userName: "dev@example.com", actorKind: "human" as const, agentName: null, groups: ["developer"], applicationName: null };
const agent = { ...human, actorKind: "agent" as const, agentName: "bot" };
const limit = { maxRowShare: 0.2, minRows: 10, maxRows: 10_000 };
const report = (tables: BlastRadiusReport["tables"], exclusiveLocks: string[] = []): BlastRadiusReport => ({ tables, exclusiveLocks });

describe("blast radius", () => {
  beforeAll(() => loadClassifier());

  it("the default policy limits humans' writes to 20% of a table or 10,000 rows; not agents' (held anyway)", () => {
    const p = defaultPolicy();
    const stmt = classifySql("delete from t where id > 0").statements;
    expect(findBlastRadiusRule(p, stmt, human)).toMatchObject({ maxRowShare: 0.2, maxRows: 10_000, reviewerGroups: ["reviewer"] });
    expect(findBlastRadiusRule(p, stmt, agent)).toBeNull();
    const off = { ...p, blastRadius: p.blastRadius.map((r) => ({ ...r, isEnabled: false })) };
    expect(findBlastRadiusRule(off, stmt, human)).toBeNull();
  });

  it("21 of 100 rows holds, 20 and 19 pass; the share counts updated and deleted rows", () => {
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 21 }, 79)]), limit)).toEqual(["changes 21 of 100 rows of public.t (21%, over 20%)"]);
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 20, deleted: 0 }, 100)]), limit)).toEqual([]);
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 19, deleted: 0 }, 100)]), limit)).toEqual([]);
    // Deleting every row: the table had what is left plus what was deleted.
    expect(tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 100 }, 0)).toMatchObject({ tableRows: 100, share: 1 });
    // Inserting destroys nothing: neither limit counts it (a bulk load is not a wide write).
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 50_000, updated: 0, deleted: 0 }, 50_000)]), limit)).toEqual([]);
    const wide = [tableChange("public.a", { relid: 1, inserted: 0, updated: 6_000, deleted: 0 }, 100_000), tableChange("public.b", { relid: 2, inserted: 0, updated: 0, deleted: 4_001 }, 100_000)];
    expect(judgeBlastRadius(report(wide), limit)).toEqual(["updates or deletes 10001 rows (over 10000)"]);
    expect(judgeBlastRadius(report([], ["public.t"]), limit)).toHaveLength(1);
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 100 }, 0)]), { maxRowShare: null, minRows: 10, maxRows: 100 })).toEqual([]);
    // A few rows of a small table are not a wide write: the share counts past minRows only.
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 1, deleted: 0 }, 3)]), limit)).toEqual([]);
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 11 }, 0)]), limit)).toHaveLength(1);
    expect(judgeBlastRadius(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 1, deleted: 0 }, 3)]), { ...limit, minRows: 0 })).toHaveLength(1);
  });

  it("counter differences keep only tables the statement changed", () => {
    const before = [{ relid: 1, inserted: 5, updated: 0, deleted: 0 }];
    const after = [
      { relid: 1, inserted: 5, updated: 0, deleted: 0 },
      { relid: 2, inserted: 0, updated: 0, deleted: 3 },
    ];
    expect(diffCounters(before, after)).toEqual([{ relid: 2, inserted: 0, updated: 0, deleted: 3 }]);
    expect(diffCounters(before, [{ relid: 1, inserted: 7, updated: 1, deleted: 0 }])).toEqual([{ relid: 1, inserted: 2, updated: 1, deleted: 0 }]);
  });

  it("an approved re-run commits only within what the reviewer saw", () => {
    const seen = report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 100 }, 0)]);
    expect(isWithinReviewed(seen, seen)).toBe(true);
    expect(isWithinReviewed(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 90 }, 10)]), seen)).toBe(true);
    expect(isWithinReviewed(report([tableChange("public.t", { relid: 1, inserted: 0, updated: 0, deleted: 101 }, 0)]), seen)).toBe(false);
    expect(isWithinReviewed(report([tableChange("public.u", { relid: 2, inserted: 0, updated: 1, deleted: 0 }, 10)]), seen)).toBe(false);
    expect(isWithinReviewed(report([], ["public.t"]), seen)).toBe(false);
  });

  it("rules validate with field messages", () => {
    const base = defaultPolicy();
    const bad = (patch: object) => policyDocumentSchema.safeParse({ ...base, blastRadius: [{ ...base.blastRadius[0], ...patch }] });
    expect(bad({ maxRowShare: 1.5 }).error?.issues[0]).toMatchObject({ path: ["blastRadius", 0, "maxRowShare"], message: "Give a share of the table from 0 to 1 (0.2 is 20%)." });
    expect(bad({ maxRows: 2.5 }).error?.issues[0]).toMatchObject({ path: ["blastRadius", 0, "maxRows"], message: "Give a whole number of rows." });
    expect(bad({ maxRows: null, maxRowShare: null }).error?.issues[0]).toMatchObject({ path: ["blastRadius", 0, "maxRows"] });
    expect(bad({ reviewerGroups: [] }).error?.issues[0]).toMatchObject({ message: "Name at least one reviewer group." });
    expect(bad({ id: base.approvals[0].id }).success).toBe(false);
  });
});
