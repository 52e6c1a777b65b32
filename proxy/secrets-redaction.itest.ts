import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, pendingRequest, REVIEWER, savePolicy } from "./approvals/testing/approval-fixtures";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";

/**
 * Passwords in statements reach the server as written and are stored nowhere: every form runs
 * through a real gateway (one is held, so its approval request and audit event exist), then every
 * table of the store is searched for the secrets' common mark.
 */
const MARK = "SEKRIT";

describe("gateway: secrets never recorded", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  const clients: pg.Client[] = [];
  const connect = async (o: Partial<pg.ClientConfig> = {}) => {
    const c = await fx.connect(o);
    c.on("error", () => {});
    clients.push(c);
    return c;
  };
  const withPolicy = async (c: pg.Client, change: (p: PolicyDocument) => void, probe: string) => {
    const policy = defaultPolicy();
    policy.guardrails = [];
    policy.approvals = [];
    change(policy);
    policy.guardrails.push({ id: "probe", name: "Probe", isEnabled: true, match: { relations: [probe] }, message: "probe blocked" });
    await savePolicy(fx.db, fx.connectionId, policyDocumentSchema.parse(policy));
    await eventually(async () => (await c.query(`select * from ${probe}`).catch((e) => e))?.message === "probe blocked");
  };

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`alter role ${fx.targetRole} createrole`);
    await target.query(`create foreign data wrapper secret_fdw; create server secret_srv foreign data wrapper secret_fdw; grant usage on foreign server secret_srv to ${fx.targetRole}`);
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await target?.query("drop owned by sec_login").catch(() => {});
    await target?.query("drop role if exists sec_login").catch(() => {});
    await target?.end();
    await fx?.close();
  });

  it("records no password from any statement form, in either protocol, and the statements still run", async () => {
    const c = await connect({ application_name: "secrets" });
    await withPolicy(c, () => {}, "probe_open");
    const extended = (text: string, values?: unknown[]) => c.query({ text, values, queryMode: "extended" } as pg.QueryConfig);

    await c.query(`create role sec_login login password '${MARK}-1''quoted'`);
    await expect(tryLogin("sec_login", `${MARK}-1'quoted`)).resolves.toBe(true);
    await extended(`/* é漢🙂 */ alter role sec_login with encrypted password E'${MARK}-2\\'é'`);
    await expect(tryLogin("sec_login", `${MARK}-2'é`)).resolves.toBe(true);
    await c.query(`alter user sec_login password $pw$${MARK}-3$pw$; select 'kept' as visible`);
    await expect(tryLogin("sec_login", `${MARK}-3`)).resolves.toBe(true);

    await c.query(`create user mapping for current_user server secret_srv options (user 'u', password '${MARK}-4')`);
    await extended(`alter user mapping for current_user server secret_srv options (set password '${MARK}-5')`);
    const { rows: mapping } = await target.query("select umoptions from pg_user_mappings where srvname = 'secret_srv'");
    expect(mapping[0].umoptions).toContain(`password=${MARK}-5`);

    await c.query(`set app.db_password = '${MARK}-6'`);
    // Compared on the server, the mark split: the comparison's own text holds no secret to record.
    expect((await c.query(`select current_setting('app.db_password') = concat('${MARK.slice(0, 3)}', '${MARK.slice(3)}-6') as is_set`)).rows).toEqual([{ is_set: true }]);
    // set_config returns the value it set, and a cast's error quotes it: neither is recorded.
    expect((await extended("select set_config('app.other_password', $1, false) as v", [`${MARK}-7`])).rows).toEqual([{ v: `${MARK}-7` }]);
    await expect(c.query(`select set_config('app.x_password', '${MARK}-12', false)::int`)).rejects.toMatchObject({ code: "22P02", message: expect.stringContaining(`${MARK}-12`) });
    await extended("select set_config($1, $2, false) is not null as is_set", ["app.third_password", `${MARK}-8`]);
    await c.query("prepare set_pw(text) as select set_config('app.fourth_password', $1, false) is not null as is_set");
    await c.query(`execute set_pw('${MARK}-13')`);
    // No dblink here: the server refuses the call, and the statement is recorded all the same.
    await expect(c.query(`select dblink_connect('conn', 'host=localhost password=${MARK}-9')`)).rejects.toMatchObject({ code: "42883" });
    // Not parsed: refused by the fail-closed rule, recorded withheld.
    await expect(c.query(`alter role sec_login password '${MARK}-10' oops`)).rejects.toMatchObject({ code: "42601" });

    // Held: the approval request (and its audit event) is stored from the redacted text.
    await withPolicy(
      c,
      (p) => p.approvals.push({ id: "hold-dcl", name: "Roles need a reviewer", isEnabled: true, match: { actorKinds: ["human"], kinds: ["dcl"] }, reviewerGroups: ["reviewer"], minApprovals: 1, timeoutSeconds: 900, allowGrants: false } as PolicyDocument["approvals"][number]),
      "probe_held",
    );
    const held = c.query(`alter role sec_login password '${MARK}-11'`).catch((e) => e);
    const request = await pendingRequest(fx.db, /^alter role sec_login password/);
    expect(request.sql).toBe("alter role sec_login password '<redacted>'");

    const recorded = await eventually(async () => {
      const r = await fx.db.execute<{ sql: string }>(sql`select sql from statements where sql like '%<redacted>%' or sql like '/* statement text withheld%' order by seq`);
      // The two set_config calls with bound secrets are not here: their text has nothing to redact.
      return r.rows.length >= 10 ? r.rows.map((x) => x.sql) : undefined;
    });
    expect(recorded).toEqual([
      "create role sec_login login password '<redacted>'",
      "/* é漢🙂 */ alter role sec_login with encrypted password '<redacted>'",
      "alter user sec_login password '<redacted>'",
      "create user mapping for current_user server secret_srv options (user 'u', password '<redacted>')",
      "alter user mapping for current_user server secret_srv options (set password '<redacted>')",
      "set app.db_password = '<redacted>'",
      "select set_config('app.x_password', '<redacted>', false)::int",
      "execute set_pw('<redacted>')",
      "select dblink_connect('<redacted>', '<redacted>')",
      "/* statement text withheld by Warden: it did not parse and may hold a password */",
    ]);
    const params = await fx.db.execute<{ params: unknown }>(sql`select params from statements where sql like 'select set_config(%' and params is not null order by seq`);
    expect(params.rows.map((r) => r.params)).toEqual([
      [{ format: "text", value: "<redacted>", typeOid: 0 }],
      [expect.objectContaining({ value: "app.third_password" }), expect.objectContaining({ value: "<redacted>" })],
    ]);
    await eventually(async () => (await fx.db.execute(sql`select 1 from audit_events where action = 'approval.request'`)).rows.length > 0);

    // Approved, the statement runs as the client wrote it, and is recorded once it settles.
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    expect(await held).toMatchObject({ command: "ALTER" });
    await expect(tryLogin("sec_login", `${MARK}-11`)).resolves.toBe(true);
    await c.end();
    await eventually(async () => (await fx.db.execute(sql`select 1 from statements where sql = ${"alter role sec_login password '<redacted>'"}`)).rows.length > 0);
    expect(await storeRowsWith(MARK)).toEqual([]);
    // The search can find what is there: the same mark in an ordinary statement is recorded.
    const plain = await connect({ application_name: "control" });
    await plain.query(`select '${MARK}-control' as v`);
    await eventually(async () => (await storeRowsWith(MARK)).some((t) => t.startsWith("statements:")));
  });

  async function tryLogin(user: string, password: string): Promise<boolean> {
    const url = new URL(fx.targetAdminUrl);
    url.username = user;
    url.password = password;
    const c = new pg.Client({ connectionString: url.toString() });
    try {
      await c.connect();
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  }

  /** Every table of the store's public schema whose rows' text holds `needle`, as "table:count". */
  async function storeRowsWith(needle: string): Promise<string[]> {
    const tables = await fx.db.execute<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public'`);
    expect(tables.rows.length).toBeGreaterThan(5);
    const found: string[] = [];
    for (const { name } of tables.rows) {
      const q = `select count(*)::int as n from public.${pg.escapeIdentifier(name)} t where t::text like '%' || $1 || '%'`;
      const { rows } = await fx.db.$client.query(q, [needle]);
      if (rows[0].n > 0) found.push(`${name}:${rows[0].n}`);
    }
    return found;
  }
});
