import { describe, expect, it } from "vitest";
import { END_REASONS } from "@/proxy/session/phases";
import { describeEndReason } from "./end-reasons";

describe("describeEndReason", () => {
  it("has words for every reason the gateway records", () => {
    for (const code of Object.values(END_REASONS)) {
      const words = describeEndReason(code);
      expect(words, code).not.toContain("_");
      expect(words, code).not.toBe(code);
    }
    expect(describeEndReason("client_terminated")).toBe("Client signed off");
  });
  it("reads an unknown code as words", () => {
    expect(describeEndReason("ended_by_admin_x")).toBe("Ended by admin x");
  });
});
