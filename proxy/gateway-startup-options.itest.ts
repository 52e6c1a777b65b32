import net from "node:net";
import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, sessions } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { parseOptions } from "@/lib/policy/startup-options";
import { savePolicy } from "./approvals/testing/approval-fixtures";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { errorResponse } from "./protocol/backend-messages";
import { decodeStartupPacket } from "./protocol/startup-packet";
import { RawClient, types } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";

/** Refuses role changes, as an admin would: the settings a hostile client would try to sneak in at sign-in. */
const noRoleChanges = (extra: Partial<PolicyDocument> = {}): PolicyDocument =>
  policyDocumentSchema.parse({
    ...defaultPolicy(),
    guardrails: [
      ...defaultPolicy().guardrails,
      { id: "no-role", name: "No role changes", isEnabled: true, match: { flags: ["set_role", "set_session_authorization"] }, message: "Changing role is not allowed through Warden." },
    ],
    ...extra,
  });

type PgError = { code?: string; severity?: string; message: string; detail?: string; hint?: string };

describe("gateway: startup options and parameters", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  /** A role the target's role may SET ROLE to: only Warden stands between a client and it. */
  let sneaky: string;
  beforeAll(async () => {
    fx = await startGatewayFixture();
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    sneaky = `sneaky_${fx.targetRole.slice(5)}`;
    await target.query(`create role ${sneaky}; grant ${sneaky} to ${fx.targetRole}`);
    await target.query(`create schema app authorization ${fx.targetRole}; create table app.things (n int); insert into app.things values (7); alter table app.things owner to ${fx.targetRole}`);
    await savePolicy(fx.db, fx.connectionId, noRoleChanges());
  });
  afterAll(async () => {
    await target?.end();
    await fx?.close();
  });

  /** Signs in through the gateway with node-postgres; the client, or the error that refused it. */
  const viaGateway = async (o: Partial<pg.ClientConfig>) => {
    const c = new pg.Client(fx.clientConfig(o));
    c.on("error", () => {});
    return c.connect().then(
      () => ({ client: c, error: null }),
      (error: PgError) => ({ client: null, error }),
    );
  };
  const refusal = async (o: Partial<pg.ClientConfig>): Promise<PgError> => {
    const { client, error } = await viaGateway(o);
    if (client) {
      await client.end();
      throw new Error(`the sign-in with ${JSON.stringify(o)} was accepted`);
    }
    return error!;
  };
  /** The same options straight to PostgreSQL (as its superuser): what the server itself answers. */
  const directRefusal = async (options: string): Promise<PgError> => {
    const c = new pg.Client({ connectionString: fx.targetAdminUrl, options });
    c.on("error", () => {});
    return c.connect().then(
      async () => {
        await c.end();
        throw new Error(`PostgreSQL accepted options ${options}`);
      },
      (e: PgError) => e,
    );
  };

  it("node-postgres `options`: search_path and statement_timeout reach the server and take effect", async () => {
    const { client } = await viaGateway({ options: "-c search_path=app,public -c statement_timeout=300" });
    expect(client).not.toBeNull();
    const c = client!;
    expect((await c.query("show search_path")).rows).toEqual([{ search_path: "app,public" }]);
    expect((await c.query("select n from things")).rows).toEqual([{ n: 7 }]);
    await expect(c.query("select pg_sleep(2)")).rejects.toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
    expect((await c.query("select current_user as u")).rows).toEqual([{ u: fx.targetRole }]);
    await c.end();
  });

  it("psql with PGOPTIONS, compared with psql straight to PostgreSQL", async () => {
    const sql = "show search_path; show statement_timeout; select current_setting('myapp.tenant'); show application_name";
    const env = { PGOPTIONS: String.raw`-c search_path=app,public --statement-timeout=5s -c myapp.tenant=42 -c application_name=my\ app` };
    const via = await runTool("psql", ["-X", "-At", "-c", sql, fx.uri()], { env });
    const direct = await runTool("psql", ["-X", "-At", "-c", sql, fx.targetAdminUrl], { env });
    // psql's own application_name parameter wins over the one in options, as it does directly.
    expect(via).toMatchObject({ code: 0, stdout: "app,public\n5s\n42\npsql\n" });
    expect(via.stdout).toBe(direct.stdout);
    const refused = await runTool("psql", ["-X", "-At", "-c", "select 1", fx.uri()], { env: { PGOPTIONS: "-c role=postgres" } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/FATAL: {2}Warden refuses the setting "role" asked for at sign-in: Changing role is not allowed through Warden\./);
  });

  it("refuses role and session_authorization at sign-in with a FATAL 42501 that names the setting, however they are spelled", async () => {
    // Straight to the server, the role could be taken.
    const direct = new pg.Client({ connectionString: fx.targetAdminUrl, options: `-c role=${sneaky}` });
    await direct.connect();
    expect((await direct.query("select current_user as u")).rows).toEqual([{ u: sneaky }]);
    await direct.end();
    const spellings: [Partial<pg.ClientConfig>, string][] = [
      [{ options: `-c role=${sneaky}` }, "role"],
      [{ options: `-c session_authorization=${sneaky}` }, "session_authorization"],
      [{ options: `-crole=${sneaky}` }, "role"],
      [{ options: `--role=${sneaky}` }, "role"],
      [{ options: `-c ROLE=${sneaky}` }, "ROLE"],
      [{ options: `--session-authorization=${sneaky}` }, "session_authorization"],
      [{ options: `-ecrole=${sneaky}` }, "role"],
      [{ options: `-c search_path=app -c statement_timeout=1000 -c Role=${sneaky}` }, "Role"],
    ];
    for (const [o, name] of spellings) {
      const err = await refusal(o);
      expect(err, JSON.stringify(o)).toMatchObject({ code: "42501", severity: "FATAL", message: `Warden refuses the setting "${name}" asked for at sign-in: Changing role is not allowed through Warden.` });
      expect(err.detail).toMatch(new RegExp(`^Asked for as "-.+" in the startup options; judged as SET "${name.toLowerCase()}" = '${sneaky}'\\.$`));
    }
    // As startup parameters of their own (a raw client can send any name).
    for (const name of ["role", "ROLE", "session_authorization"]) {
      const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, { [name]: sneaky });
      const last = startup.at(-1);
      expect(types(startup)).toBe("RE");
      expect(last?.decoded).toMatchObject({ severity: "FATAL", code: "42501", message: expect.stringContaining(`"${name}"`), detail: expect.stringContaining(`the startup parameter "${name}"`) });
      client.close();
    }
    const audited = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.sign_in.refused"));
      return rows.length >= spellings.length ? rows : undefined;
    });
    expect(audited).toContainEqual(expect.objectContaining({ targetName: "orders", details: expect.objectContaining({ sqlState: "42501", setting: "ROLE", value: sneaky, source: "options" }) }));
  });

  it("lets nothing smuggled inside a value through: an escaped space, a quoted name, a switch as a value", async () => {
    const { client } = await viaGateway({ options: String.raw`-c application_name=x\ -crole=postgres` });
    expect((await client!.query("select current_setting('application_name') as a, current_user as u")).rows).toEqual([{ a: "x -crole=postgres", u: fx.targetRole }]);
    await client!.end();
    // A quoted name is not the setting it quotes: the server refuses it as an unknown one.
    const quoted = await refusal({ options: `-c "role=postgres"` });
    expect(quoted).toMatchObject({ code: "42704", severity: "FATAL", message: 'unrecognized configuration parameter ""role"' });
    expect(await directRefusal(`-c "role=postgres"`)).toMatchObject({ code: quoted.code, message: quoted.message });
    // `options` inside options is a setting named "options", which the server does not have.
    const nested = await refusal({ options: String.raw`-c options=-c\ role=postgres` });
    expect(nested).toMatchObject({ code: "42704", message: 'unrecognized configuration parameter "options"' });
  });

  it("refuses turning read-only mode off on a read-only connection; turning it on is fine", async () => {
    await savePolicy(fx.db, fx.connectionId, noRoleChanges({ access: { isReadOnly: true, agentRowCap: null } }));
    try {
      for (const options of ["-c default_transaction_read_only=off", "-c transaction_read_only=0", "--default-transaction-read-only=false"]) {
        const err = await refusal({ options });
        expect(err, options).toMatchObject({ code: "42501", severity: "FATAL", message: expect.stringMatching(/^Warden refuses the setting "(default_)?transaction_read_only" asked for at sign-in: This connection is read-only through Warden/) });
      }
      const { client } = await viaGateway({ options: "-c default_transaction_read_only=on" });
      expect((await client!.query("show default_transaction_read_only")).rows).toEqual([{ default_transaction_read_only: "on" }]);
      await client!.end();
    } finally {
      await savePolicy(fx.db, fx.connectionId, noRoleChanges());
    }
    const { client } = await viaGateway({ options: "-c default_transaction_read_only=off" });
    expect(client).not.toBeNull();
    await client!.end();
  });

  it("relays the server's own FATAL for a value or a switch it refuses, word for word", async () => {
    for (const options of ["-c statement_timeout=abc", "-c no_such_setting=1", "-c role", "-x", "stray", "-c search_path=a -- -c x=1"]) {
      const err = await refusal({ options });
      const direct = await directRefusal(options);
      expect({ code: err.code, message: err.message }, options).toEqual({ code: direct.code, message: direct.message });
      expect(err.severity).toBe("FATAL");
    }
    // -d 5 asks for superuser-only logging settings: the target's role may not set them.
    expect(await refusal({ options: "-d 5" })).toMatchObject({ code: "42501", severity: "FATAL", message: 'permission denied to set parameter "log_min_messages"' });
  });

  it("passes custom settings with dots and every ordinary startup parameter, and records them with the session", async () => {
    const { client } = await viaGateway({ options: "-c myapp.tenant=acme -c search_path=app", application_name: "options-record", statement_timeout: 4000 });
    const c = client!;
    expect((await c.query("select current_setting('myapp.tenant') as t, current_setting('statement_timeout') as s")).rows).toEqual([{ t: "acme", s: "4s" }]);
    await c.end();
    const [s] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "options-record"));
      return rows.length ? rows : undefined;
    });
    const [start] = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.action, "gateway.session.start"), eq(auditEvents.targetId, s.id)));
      return rows.length ? rows : undefined;
    });
    expect((start.details as { settings: unknown[] }).settings).toEqual(
      expect.arrayContaining([
        { name: "myapp.tenant", value: "acme", source: "options" },
        { name: "search_path", value: "app", source: "options" },
        { name: "application_name", value: "options-record", source: "parameter" },
        { name: "statement_timeout", value: "4000", source: "parameter" },
      ]),
    );
  });

  it("never lets a session read SQL differently from Warden: an ASCII-unsafe client_encoding or standard_conforming_strings off, asked for or set up by the role", async () => {
    const unreadable = expect.stringMatching(/^Warden refuses the setting "(client_encoding|standard_conforming_strings)" asked for at sign-in: Warden reads SQL as UTF-8/);
    for (const options of ["-c client_encoding=BIG5", "-c standard_conforming_strings=off"]) {
      expect(await refusal({ options }), options).toMatchObject({ code: "42501", severity: "FATAL", message: unreadable });
    }
    // node-postgres sends no client_encoding of its own: a raw client does, as libpq would.
    const { client: raw, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, { client_encoding: "SJIS" });
    expect(startup.at(-1)?.decoded).toMatchObject({ severity: "FATAL", code: "42501", message: unreadable });
    raw.close();
    // The same as a statement: refused, and the session keeps reading as before.
    const { client } = await viaGateway({});
    await expect(client!.query("set client_encoding = 'SJIS'")).rejects.toMatchObject({ code: "0A000" });
    expect((await client!.query("show client_encoding")).rows).toEqual([{ client_encoding: "UTF8" }]);
    await client!.end();
    // A default of the target's role is found in what the server reports at sign-in.
    await target.query(`alter role ${fx.targetRole} set standard_conforming_strings = off`);
    try {
      expect(await refusal({})).toMatchObject({ code: "0A000", severity: "FATAL", message: "Warden cannot relay this session: as the server set it up, standard_conforming_strings off makes backslashes in strings escape characters" });
    } finally {
      await target.query(`alter role ${fx.targetRole} reset standard_conforming_strings`);
    }
  });

  it("sends the upstream exactly the settings it judged: user, database, replication and _pq_ options never come from the client", async () => {
    // A fake target that keeps the StartupMessage it receives and refuses the connection.
    let received: Buffer | undefined;
    const fake = net.createServer((s) => {
      s.on("error", () => {});
      s.once("data", (chunk) => {
        received = chunk;
        s.end(errorResponse({ severity: "FATAL", sqlState: "57P03", message: "the fake is not accepting connections" }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const [conn] = await fx.db.select().from(connections).where(eq(connections.id, fx.connectionId));
    await fx.db.update(connections).set({ host: "127.0.0.1", port: (fake.address() as net.AddressInfo).port }).where(eq(connections.id, fx.connectionId));
    try {
      const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, {
        options: String.raw`-c search_path=app -c options=-c\ role=x -c _pq_.y=z -c user=mallory`,
        replication: "false",
        "_pq_.unknown": "1",
        SEARCH_PATH: "public",
        application_name: "forward-probe",
      });
      client.close();
      // The fake's refusal (57P03, not a catalog problem) reaches the client as the fake worded it.
      expect(startup.at(-1)?.decoded).toMatchObject({ severity: "FATAL", code: "57P03", message: "the fake is not accepting connections" });
    } finally {
      fake.close();
      await fx.db.update(connections).set({ host: conn.host, port: conn.port }).where(eq(connections.id, fx.connectionId));
    }
    const packet = decodeStartupPacket(received!.subarray(0, received!.readInt32BE(0)));
    expect(packet.kind).toBe("startup");
    const sent = packet.kind === "startup" ? Object.fromEntries(packet.parameters) : {};
    expect(packet.kind === "startup" && packet.protocolOptions).toEqual([]);
    expect(sent).toEqual({
      search_path: "app",
      SEARCH_PATH: "public",
      application_name: "forward-probe",
      options: String.raw`-c options=-c\ role=x -c _pq_.y=z -c user=mallory`,
      user: fx.targetRole,
      database: decodeURIComponent(new URL(fx.targetAdminUrl).pathname.slice(1)),
    });
    // What the server makes of that options value: settings it does not have, which it refuses.
    expect(parseOptions(sent.options)).toEqual({ isValid: true, settings: [expect.objectContaining({ name: "options", value: "-c role=x" }), expect.objectContaining({ name: "_pq_.y", value: "z" }), expect.objectContaining({ name: "user", value: "mallory" })] });
  });
});
