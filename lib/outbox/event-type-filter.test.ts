import { describe, expect, it } from "vitest";
import { createEventTypeFilter } from "./event-type-filter";

describe("createEventTypeFilter", () => {
  it("lets everything through when empty or `*`", () => {
    expect(createEventTypeFilter([])("gateway.statement")).toBe(true);
    expect(createEventTypeFilter(["*"])("policy.update")).toBe(true);
  });

  it("matches exact actions and `prefix.*`, nothing else", () => {
    const matches = createEventTypeFilter(["gateway.statement", "approval.*"]);
    expect(matches("gateway.statement")).toBe(true);
    expect(matches("gateway.statement.extra")).toBe(false);
    expect(matches("gateway.session.start")).toBe(false);
    expect(matches("approval.request")).toBe(true);
    expect(matches("approval.grant.create")).toBe(true);
    expect(matches("approval")).toBe(false);
    expect(matches("approval_grant.create")).toBe(false);
  });
});
