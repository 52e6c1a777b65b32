import { and, asc, eq, sql } from "drizzle-orm";
import pg from "pg";
import { policyVersions, sessions, statements, users, type Statement } from "@/drizzle/schema";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { GatewayDeps } from "../../start-gateway";
import { eventually, startGatewayFixture, type GatewayFixture } from "../../testing/gateway-fixture";

/**
 * A gateway whose connection has the demo policy in force (customers' email, phone, card number
 * and national id masked by column rule, every detector on) over a target database with a
 * `customers` table of two known people.
 */
export type MaskingFixture = GatewayFixture & {
  admin: pg.Client;
  /** Saves a new policy version, tells the workers as the console does, and waits until it is in force. */
  setPolicy(document: PolicyDocument): Promise<void>;
  /** The session's recorded statements, once every one has its outcome. */
  recorded(applicationName: string, count: number): Promise<Statement[]>;
  closeAll(): Promise<void>;
};

export const CUSTOMERS = [
  { id: 1, name: "Ann Lee", email: "ann@example.com", phone: "+14155550123", card: "4111 1111 1111 1111", nationalId: "123-45-6789" },
  { id: 2, name: "Bob Stone", email: "bob.stone@example.org", phone: "(415) 555-0142", card: "5500-0000-0000-0004", nationalId: "234-56-7890" },
] as const;

export const CUSTOMERS_SQL = `
create table customers (
  id int primary key,
  name text not null,
  email text not null unique,
  phone text,
  card_number text,
  national_id text,
  notes text
);
insert into customers values
  (1, 'Ann Lee', 'ann@example.com', '+14155550123', '4111 1111 1111 1111', '123-45-6789', 'prefers email'),
  (2, 'Bob Stone', 'bob.stone@example.org', '(415) 555-0142', '5500-0000-0000-0004', '234-56-7890', null);
`;

export async function startMaskingFixture(deps: GatewayDeps = {}, policy: PolicyDocument = demoPolicy()): Promise<MaskingFixture> {
  const fx = await startGatewayFixture(deps);
  // A second user, in no group a test exempts, to see which policy version masks its results.
  const probeUser = "probe@example.com";
  await fx.db.insert(users).values({ email: probeUser, groups: ["admin"] });
  const probeToken = await fx.mintToken({ userName: probeUser });
  let version = 0;
  const setPolicy = async (document: PolicyDocument) => {
    version++;
    // Each version masks a column named after it: when a probe's column comes back masked, the
    // workers have the version (NOTIFY reaches them asynchronously).
    const marker = `policy_v${version}`;
    const withMarker = { ...document, masking: { ...document.masking, namePatterns: [...document.masking.namePatterns, { pattern: marker, semanticType: "secret" }] } };
    await fx.db.insert(policyVersions).values({ connectionId: fx.connectionId, version, document: withMarker, author: "test" });
    await fx.db.execute(sql`select pg_notify('warden_policy_changed', ${fx.connectionId})`);
    if (version === 1) return;
    const probe = await fx.connect({ user: probeUser, password: probeToken, application_name: "policy-probe" });
    try {
      await eventually(async () => (await probe.query(`select 'x' as ${marker}`)).rows[0]?.[marker] !== "x");
    } finally {
      await probe.end();
    }
  };
  await setPolicy(policy);
  const admin = new pg.Client({ connectionString: fx.targetAdminUrl });
  await admin.connect();
  await admin.query(CUSTOMERS_SQL);
  await admin.query(`alter table customers owner to ${fx.targetRole}`);
  return Object.assign(fx, {
    admin,
    setPolicy,
    async recorded(applicationName: string, count: number) {
      return eventually(async () => {
        const rows = await fx.db
          .select({ s: statements })
          .from(statements)
          .innerJoin(sessions, eq(sessions.id, statements.sessionId))
          .where(and(eq(sessions.applicationName, applicationName)))
          .orderBy(asc(sessions.startedAt), asc(statements.seq));
        return rows.length >= count && rows.every((r) => r.s.status !== "running") ? rows.map((r) => r.s) : undefined;
      });
    },
    async closeAll() {
      await admin.end();
      await fx.close();
    },
  });
}
