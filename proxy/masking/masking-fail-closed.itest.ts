import { sql } from "drizzle-orm";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyVersions } from "@/drizzle/schema";
import { createStoreListener, type StoreListener } from "@/lib/db/store-listener";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { GatewayHooks } from "../hooks/gateway-hooks";
import { createLogger } from "../log";
import { PolicyCache } from "../policy/policy-cache";
import { eventually } from "../testing/gateway-fixture";
import { RawClient, types } from "../testing/raw-client";
import { createMaskingHooks, type MaskingHooks } from "./masking-hooks";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

/** The email's method is the keyed hash; this test's hash fails on Bob's address. */
const HASHED_EMAILS: PolicyDocument = {
  ...demoPolicy(),
  masking: { ...demoPolicy().masking, detectors: [], semanticTypes: [{ id: "email", label: "Email", method: { algorithm: "hash" } }] },
};

describe("masking fails closed", () => {
  let fx: MaskingFixture;
  let listener: StoreListener;
  let masking: MaskingHooks;
  // The gateway starts before its store exists; the masking hooks (alone, without policy
  // enforcement) are made once it does.
  const hooks: GatewayHooks = {
    createRowFilter: (r) => masking.createRowFilter(r),
    filterServerMessage: (s, f) => masking.filterServerMessage(s, f),
    onStatementFinished: (s) => masking.onStatementFinished(s),
    close: () => masking.close(),
  };
  beforeAll(async () => {
    fx = await startMaskingFixture({ hooks }, HASHED_EMAILS);
    listener = createStoreListener(fx.storeUrl);
    masking = createMaskingHooks({
      db: fx.db,
      policies: new PolicyCache(fx.db, listener),
      secretKey: fx.secretKey,
      log: createLogger("error", () => {}),
      maskingContext: { hmac: (data) => (data.startsWith("bob") ? "not hex" : "0123456789abcdef0123") },
    });
  });
  afterAll(async () => {
    await fx?.closeAll();
    await listener?.close();
  });

  async function rawQuery(text: string) {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    client.send(serialize.query(text));
    const answer = await client.readyCount(1);
    client.close();
    return answer;
  }

  it("sends the rows it could mask and withholds the first it could not, and everything after", async () => {
    const answer = await rawQuery("select id, email from customers order by id");
    expect(types(answer)).toBe("TDEZ");
    const row = answer[1]!.decoded as unknown as { fields: string[] };
    expect(row.fields).toEqual(["1", "h:0123456789abcdef"]);
    expect(answer[2]!.decoded).toMatchObject({ code: "XX000", message: expect.stringMatching(/result withheld: a row could not be filtered/) });
    expect(answer.map((m) => m.frame.toString("latin1")).join("")).not.toContain("bob.stone@example.org");
  });

  it("withholds every row when the policy in force cannot be read (a semantic type no one defined)", async () => {
    const broken = { ...demoPolicy(), masking: { ...demoPolicy().masking, columnRules: [{ column: "public.customers.email", semanticType: "no_such_type" }] } };
    // Written past the console's validation, as a damaged store could hold it.
    await fx.db.insert(policyVersions).values({ connectionId: fx.connectionId, version: 10, document: broken, author: "test" });
    await fx.db.execute(sql`select pg_notify('warden_policy_changed', ${fx.connectionId})`);
    const answer = await eventually(async () => {
      const a = await rawQuery("select id, email from customers order by id");
      return types(a) === "TEZ" ? a : undefined;
    });
    expect(answer[1]!.decoded).toMatchObject({ code: "XX000" });
    expect(answer.map((m) => m.frame.toString("latin1")).join("")).not.toMatch(/ann@example\.com|bob\.stone/);
  });
});
