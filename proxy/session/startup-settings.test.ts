import { describe, expect, it } from "vitest";
import { planStartupSettings, readOnlyUpstreamParameters } from "./startup-settings";

describe("readOnlyUpstreamParameters", () => {
  it("sends default_transaction_read_only=on last, in place of any spelling the client used", () => {
    const planned = planStartupSettings(new Map([["user", "u"], ["options", "-c search_path=app"], ["Default_Transaction_Read_Only", "on"], ["application_name", "psql"]]));
    if (!planned.isValid) throw new Error("not valid");
    const out = readOnlyUpstreamParameters(planned.plan.upstreamParameters);
    expect(Object.entries(out)).toEqual([
      ["search_path", "app"],
      ["application_name", "psql"],
      ["default_transaction_read_only", "on"],
    ]);
  });

  it("adds it when the client asked for nothing", () => {
    expect({ ...readOnlyUpstreamParameters({}) }).toEqual({ default_transaction_read_only: "on" });
  });
});
