import { describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/guards";
import { authorizeMetrics } from "./authorize-metrics";

const admin: CurrentUser = { email: "a@example.com", name: "A", groups: ["admin"], roles: ["admin"] };
const auditor: CurrentUser = { email: "b@example.com", name: "B", groups: ["auditor"], roles: ["auditor"] };
const nobody = async () => null;
const as = (u: CurrentUser) => async () => u;
const TOKEN = "metrics-secret-0123456789abcdef";

describe("authorizeMetrics", () => {
  it("lets the right bearer in, with or without a session", async () => {
    expect(await authorizeMetrics(`Bearer ${TOKEN}`, TOKEN, nobody)).toEqual({ isAllowed: true });
    expect(await authorizeMetrics(`bearer ${TOKEN}`, TOKEN, nobody)).toEqual({ isAllowed: true });
  });

  it("refuses a wrong bearer with 401, even from an admin's browser", async () => {
    expect(await authorizeMetrics(`Bearer ${TOKEN}x`, TOKEN, as(admin))).toMatchObject({ isAllowed: false, status: 401 });
    expect(await authorizeMetrics("Bearer short", TOKEN, as(admin))).toMatchObject({ isAllowed: false, status: 401 });
    expect(await authorizeMetrics(`Basic ${TOKEN}`, TOKEN, as(admin))).toMatchObject({ isAllowed: false, status: 401 });
  });

  it("refuses every bearer when WARDEN_METRICS_TOKEN is unset (no empty secret)", async () => {
    expect(await authorizeMetrics("Bearer anything", undefined, nobody)).toMatchObject({ isAllowed: false, status: 401, error: expect.stringMatching(/WARDEN_METRICS_TOKEN is not set/) });
    expect(await authorizeMetrics("Bearer ", undefined, nobody)).toMatchObject({ isAllowed: false, status: 401 });
  });

  it("without a bearer: 401 with no session, 403 for a non-admin, allowed for an admin", async () => {
    expect(await authorizeMetrics(null, TOKEN, nobody)).toMatchObject({ isAllowed: false, status: 401 });
    expect(await authorizeMetrics(null, TOKEN, as(auditor))).toMatchObject({ isAllowed: false, status: 403 });
    expect(await authorizeMetrics(null, TOKEN, as(admin))).toEqual({ isAllowed: true });
    expect(await authorizeMetrics(null, undefined, as(admin))).toEqual({ isAllowed: true });
  });
});
