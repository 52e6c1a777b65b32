import { describe, expect, it } from "vitest";
import { hasAnyRole, rolesForGroups } from "./roles";

describe("roles", () => {
  const mapping = { admin: ["platform-admins"], reviewer: ["dba", "leads"], auditor: ["audit"], developer: ["eng"] };
  it("maps IdP groups to roles through the configured mapping", () => {
    expect(rolesForGroups(["leads", "eng", "other"], mapping)).toEqual(["reviewer", "developer"]);
    expect(rolesForGroups(["admin"], mapping)).toEqual([]);
  });
  it("checks membership", () => {
    expect(hasAnyRole(["developer"], ["admin"])).toBe(false);
    expect(hasAnyRole(["auditor"], ["admin", "auditor"])).toBe(true);
    expect(hasAnyRole(undefined, ["admin"])).toBe(false);
  });
});
