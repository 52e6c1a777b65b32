import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/lib/db/embedded-postgres";
import { createSelfSignedCertificate } from "@/proxy/tls/self-signed-certificate";
import { startHostileUpstream, type HostileBehaviour } from "@/proxy/testing/hostile-upstream";
import { createTestStore } from "@/tests/test-database";
import { browseSchema } from "./browse-schema";
import { createConnection } from "./create-connection";
import { listConnections } from "./list-connections";
import { testConnection } from "./test-connection";
import { updateConnection } from "./update-connection";

/**
 * The console's own connections to a target (Test connection, the schema browser) follow the
 * gateway's rules for the stored credential, and the CA certificate is write-only. A PostgreSQL of
 * this file's own, with TLS and one role per sign-in method, so turning TLS on changes no other file.
 */
describe("console: the stored credential and the CA certificate", () => {
  const key = randomBytes(32);
  const password = `pw-${randomBytes(6).toString("hex")}`;
  const cert = createSelfSignedCertificate({ commonName: "console test server" });
  const otherCa = createSelfSignedCertificate({ commonName: "someone else" });
  let dir: string;
  let server: EmbeddedServer;
  let db: Db;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-credential-"));
    const dataDir = path.join(dir, "pg");
    server = await startEmbeddedPostgres({ dataDir });
    const admin = new pg.Client({ connectionString: server.urlFor("postgres") });
    await admin.connect();
    await admin.query(`do $$ begin set local password_encryption = 'md5'; create role md5_role login password '${password}'; end $$`);
    await admin.query(`create role plain_role login password '${password}'`);
    await admin.query(`create role scram_role login password '${password}'`);
    const stat = fs.statSync(dataDir);
    for (const [file, text] of [["server.crt", cert.certPem], ["server.key", cert.keyPem]] as const) {
      fs.writeFileSync(path.join(dataDir, file), text, { mode: 0o600 });
      fs.chownSync(path.join(dataDir, file), stat.uid, stat.gid);
    }
    const hba = path.join(dataDir, "pg_hba.conf");
    fs.writeFileSync(hba, ["host all md5_role 127.0.0.1/32 md5", "host all plain_role 127.0.0.1/32 password", "host all scram_role 127.0.0.1/32 scram-sha-256", fs.readFileSync(hba, "utf8")].join("\n"));
    await admin.query(`alter system set ssl_cert_file = '${path.join(dataDir, "server.crt")}'`);
    await admin.query(`alter system set ssl_key_file = '${path.join(dataDir, "server.key")}'`);
    await admin.query("alter system set ssl = on");
    await admin.query("select pg_reload_conf()");
    await admin.end();
    // The postmaster rereads its configuration a moment after the signal.
    for (let i = 0; i < 100; i++) {
      const c = new pg.Client({ connectionString: server.urlFor("postgres"), ssl: { rejectUnauthorized: false } });
      if (await c.connect().then(() => true, () => false)) {
        await c.end();
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    db = createDb(await createTestStore());
  });
  afterAll(async () => {
    await db?.$client.end();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const draft = (over: Record<string, unknown> = {}) => ({
    host: "127.0.0.1",
    port: server.port,
    database: "postgres",
    username: "scram_role",
    password,
    sslmode: "disable" as const,
    ...over,
  });

  it("Test connection never sends the password in cleartext without TLS, and does inside TLS", async () => {
    expect(await testConnection(db, key, draft({ username: "plain_role" }))).toMatchObject({ ok: false, code: "WARDEN_SIGN_IN_REFUSED", error: expect.stringMatching(/cleartext.*without TLS/) });
    expect(await testConnection(db, key, draft({ username: "plain_role", sslmode: "require" }))).toMatchObject({ ok: true, authMethod: "cleartext-over-tls", tlsDetails: { isVerified: false } });
  });

  it("Test connection answers MD5 without TLS only with the connection's opt-in", async () => {
    expect(await testConnection(db, key, draft({ username: "md5_role" }))).toMatchObject({ ok: false, error: expect.stringMatching(/MD5.*without TLS/) });
    expect(await testConnection(db, key, draft({ username: "md5_role", allowMd5WithoutTls: true }))).toMatchObject({ ok: true, authMethod: "md5-without-tls", tlsDetails: null });
  });

  it("reports the TLS version, cipher, whether the certificate was verified, and SCRAM-SHA-256-PLUS over TLS", async () => {
    const unverified = await testConnection(db, key, draft({ sslmode: "require" }));
    expect(unverified).toMatchObject({ ok: true, authMethod: "scram-sha-256-plus", tlsDetails: { version: expect.stringMatching(/^TLSv1\.[23]$/), cipher: expect.any(String), isVerified: false, verifiedAgainst: null } });
    const verified = await testConnection(db, key, draft({ sslmode: "verify-full", host: "localhost", caCertificate: cert.certPem }));
    expect(verified).toMatchObject({ ok: true, authMethod: "scram-sha-256-plus", tlsDetails: { isVerified: true, verifiedAgainst: "the stored CA, for host localhost" } });
    expect(await testConnection(db, key, draft({ sslmode: "disable" }))).toMatchObject({ ok: true, authMethod: "scram-sha-256", tlsDetails: null });
    // Another CA: refused. The system's CAs are never used instead of the stored one.
    expect(await testConnection(db, key, draft({ sslmode: "verify-full", host: "localhost", caCertificate: otherCa.certPem }))).toMatchObject({ ok: false, error: expect.stringMatching(/certificate/i) });
  });

  it("stores the CA certificate encrypted and write-only; verify modes need one; a bad PEM is a field error", async () => {
    const name = `ca-${randomBytes(3).toString("hex")}`;
    const base = { name, allowedGroups: [], description: "", ...draft({ host: "localhost" }) };
    await expect(createConnection(db, key, "admin@example.com", { ...base, sslmode: "verify-full" })).rejects.toMatchObject({ status: 422, fieldErrors: { caCertificate: expect.stringMatching(/CA certificate/) } });
    await expect(createConnection(db, key, "admin@example.com", { ...base, sslmode: "verify-full", caCertificate: "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----" })).rejects.toMatchObject({
      fieldErrors: { caCertificate: "This is not a readable PEM certificate." },
    });
    const dto = await createConnection(db, key, "admin@example.com", { ...base, sslmode: "verify-full", caCertificate: cert.certPem });
    expect(dto).toMatchObject({ sslmode: "verify-full", hasCaCertificate: true, allowMd5WithoutTls: false });
    const [row] = await db.select().from(connections).where(eq(connections.id, dto.id));
    expect(row.caCertificateCiphertext).toMatch(/^v1:/);
    expect(row.caCertificateCiphertext).not.toContain("BEGIN");
    // Nothing the console returns or records carries the PEM.
    const listed = (await listConnections(db)).find((c) => c.id === dto.id);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.targetId, dto.id));
    for (const out of [dto, listed, audit]) expect(JSON.stringify(out)).not.toContain(cert.certPem.split("\n")[1]);
    // Test connection and the schema browser use the stored CA.
    expect(await testConnection(db, key, { ...draft({ sslmode: "verify-full", host: "localhost", password: undefined }), id: dto.id })).toMatchObject({ ok: true, tlsDetails: { isVerified: true } });
    await expect(browseSchema(db, key, dto.id)).resolves.toHaveProperty("schemas");
    // Clearing the CA while verify-full stays is refused; with require it is allowed.
    const edit = { ...base, password: undefined };
    await expect(updateConnection(db, key, "admin@example.com", dto.id, { ...edit, sslmode: "verify-full", clearCaCertificate: true })).rejects.toMatchObject({ fieldErrors: { caCertificate: expect.any(String) } });
    expect(await updateConnection(db, key, "admin@example.com", dto.id, { ...edit, sslmode: "require", clearCaCertificate: true })).toMatchObject({ hasCaCertificate: false });
  });

  describe("against a hostile server", () => {
    async function probe(behaviour: HostileBehaviour, tls = false) {
      const upstream = await startHostileUpstream({ password, tls, behaviour });
      try {
        const result = await testConnection(db, key, draft({ port: upstream.port, sslmode: tls ? "require" : "disable" }));
        return { result, received: upstream.received(), events: upstream.events };
      } finally {
        await upstream.close();
      }
    }

    it("a cleartext request without TLS gets not one byte of the password", async () => {
      const { result, received, events } = await probe({ kind: "cleartext" });
      expect(result).toMatchObject({ ok: false, code: "WARDEN_SIGN_IN_REFUSED" });
      expect(received.includes(Buffer.from(password))).toBe(false);
      expect(events).not.toContain("password");
    });

    it("AuthenticationOk without the server's SCRAM signature is a failed sign-in", async () => {
      const { result } = await probe({ kind: "scram", mechanisms: ["SCRAM-SHA-256"], final: "skip" });
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/without proving it knows the password/) });
    });

    it("a wrong server signature is a failed sign-in", async () => {
      const { result } = await probe({ kind: "scram", mechanisms: ["SCRAM-SHA-256"], final: "wrong-signature" });
      expect(result).toMatchObject({ ok: false, code: "WARDEN_SIGN_IN_REFUSED", error: expect.stringMatching(/SCRAM sign-in failed: .*signature/) });
    });
  });
});
