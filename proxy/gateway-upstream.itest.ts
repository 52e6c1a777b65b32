import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, sessions, type SSL_MODES } from "@/drizzle/schema";
import { encryptCaCertificate, encryptCredential } from "@/lib/crypto/credentials";
import { createSelfSignedCertificate } from "./tls/self-signed-certificate";
import { countSaltedPasswordDerivations } from "./upstream/salted-password";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { startHostileUpstream } from "./testing/hostile-upstream";
import { adminQuery, enableServerTls, prependHba, serverFiles } from "./testing/server-settings";

const files = await serverFiles();

/**
 * The gateway's sign-in to a real PostgreSQL, per method (pg_hba.conf) and sslmode: what it signs in
 * with (recorded on the session's start event) and what it refuses to do with the stored password.
 */
describe.skipIf(!files)("gateway: upstream sign-in methods and TLS", () => {
  let fx: GatewayFixture;
  const undo: (() => Promise<void>)[] = [];
  const suffix = randomBytes(3).toString("hex");
  const md5Role = `md5_${suffix}`;
  const plainRole = `plain_${suffix}`;
  const scramRole = `scram_${suffix}`;
  const tlsRole = `tls_${suffix}`;
  const heavyRole = `heavy_${suffix}`;
  const password = `Secret-${randomBytes(6).toString("hex")}`;
  // One certificate for loopback names (its own CA, as a self-signed server certificate is), one for another host.
  const loopbackCert = createSelfSignedCertificate({ commonName: "test server" });
  const otherHostCert = createSelfSignedCertificate({ commonName: "db.internal", dnsNames: ["db.internal"] });

  beforeAll(async () => {
    fx = await startGatewayFixture();
    // MD5 needs an MD5-hashed password (a session setting while creating the role).
    await adminQuery(`do $$ begin set local password_encryption = 'md5'; create role ${md5Role} login password '${password}'; end $$`);
    for (const r of [plainRole, scramRole, tlsRole]) await adminQuery(`create role ${r} login password '${password}'`);
    // A verifier with many iterations (PostgreSQL 16+), as a hardened server may have.
    await adminQuery(`do $$ begin set local scram_iterations = 300000; create role ${heavyRole} login password '${password}'; end $$`);
    for (const r of [md5Role, plainRole, scramRole, tlsRole, heavyRole]) await adminQuery(`grant connect on database ${new URL(fx.targetAdminUrl).pathname.slice(1)} to ${r}`);
    undo.push(
      await prependHba(files!.hbaFile, [
        `host all ${md5Role} 127.0.0.1/32 md5`,
        `host all ${md5Role} ::1/128 md5`,
        `host all ${plainRole} 127.0.0.1/32 password`,
        `host all ${plainRole} ::1/128 password`,
        `host all ${scramRole} 127.0.0.1/32 scram-sha-256`,
        `host all ${scramRole} ::1/128 scram-sha-256`,
        `host all ${heavyRole} 127.0.0.1/32 scram-sha-256`,
        `host all ${heavyRole} ::1/128 scram-sha-256`,
        `hostssl all ${tlsRole} 127.0.0.1/32 scram-sha-256`,
        `hostssl all ${tlsRole} ::1/128 scram-sha-256`,
        `hostnossl all ${tlsRole} all reject`,
      ]),
    );
    undo.push(await enableServerTls(files!.dataDir, loopbackCert.certPem, loopbackCert.keyPem));
  });
  afterAll(async () => {
    for (const u of undo.reverse()) await u();
    await fx?.close();
  });

  type Point = { sslmode?: (typeof SSL_MODES)[number]; host?: string; caPem?: string | null; allowMd5WithoutTls?: boolean };
  async function pointCatalogAt(username: string, p: Point = {}) {
    const id = fx.connectionId;
    await fx.db
      .update(connections)
      .set({
        username,
        sslmode: p.sslmode ?? "disable",
        host: p.host ?? "127.0.0.1",
        passwordCiphertext: encryptCredential(fx.secretKey, password, id),
        caCertificateCiphertext: p.caPem ? encryptCaCertificate(fx.secretKey, p.caPem, id) : null,
        allowMd5WithoutTls: p.allowMd5WithoutTls ?? false,
      })
      .where(eq(connections.id, id));
  }

  /** Signs in through the gateway and returns how the gateway signed in upstream, from the session's start event. */
  async function upstreamAuthOf(applicationName: string) {
    const c = await fx.connect({ application_name: applicationName });
    const [{ u }] = (await c.query("select current_user as u")).rows;
    await c.end();
    const [s] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.applicationName, applicationName));
      return rows.length ? rows : undefined;
    });
    const [start] = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.action, "gateway.session.start"), eq(auditEvents.targetId, s.id)));
      return rows.length ? rows : undefined;
    });
    return { user: u as string, ...(start.details as { upstreamAuth: { method: string; tls: { version: string; isVerified: boolean } | null } }).upstreamAuth };
  }

  async function refusal() {
    const err = await fx.connect().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify(err)).not.toContain(password);
    return err as Error & { code: string };
  }

  it("refuses to answer MD5 without TLS unless the connection opts in, and answers it when it does", async () => {
    await pointCatalogAt(md5Role);
    expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/could not connect to connection "orders": .*MD5.*without TLS/) });
    const [refused] = await eventually(async () => {
      const rows = await fx.db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.upstream.sign_in_refused"));
      return rows.length ? rows : undefined;
    });
    expect(refused.details).toMatchObject({ sslmode: "disable", sqlState: "28000", reason: expect.stringMatching(/MD5/) });
    await pointCatalogAt(md5Role, { allowMd5WithoutTls: true });
    expect(await upstreamAuthOf("md5-opt-in")).toMatchObject({ user: md5Role, method: "md5-without-tls", tls: null });
    // Over TLS, MD5 needs no opt-in.
    await pointCatalogAt(md5Role, { sslmode: "require" });
    expect(await upstreamAuthOf("md5-tls")).toMatchObject({ user: md5Role, method: "md5", tls: { isVerified: false } });
  });

  it("never sends the password in cleartext without TLS; inside TLS it does", async () => {
    await pointCatalogAt(plainRole);
    expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/cleartext on a connection without TLS/) });
    await pointCatalogAt(plainRole, { sslmode: "require" });
    expect(await upstreamAuthOf("cleartext-tls")).toMatchObject({ user: plainRole, method: "cleartext-over-tls", tls: { version: expect.stringMatching(/^TLSv1\.[23]$/) } });
  });

  it("signs in with SCRAM-SHA-256 without TLS, and with SCRAM-SHA-256-PLUS (channel binding) over TLS", async () => {
    await pointCatalogAt(scramRole);
    expect(await upstreamAuthOf("scram-plain")).toMatchObject({ user: scramRole, method: "scram-sha-256", tls: null });
    // The server checks the binding: a wrong certificate hash would fail the sign-in, so this proves it right.
    await pointCatalogAt(tlsRole, { sslmode: "require" });
    expect(await upstreamAuthOf("scram-plus")).toMatchObject({ user: tlsRole, method: "scram-sha-256-plus", tls: { isVerified: false } });
  });

  it("derives a role's SCRAM key once: the next sign-in with the same verifier costs no PBKDF2", async () => {
    const { rows } = await adminQuery("select rolpassword from pg_authid where rolname = $1", [heavyRole]);
    expect(rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$300000:/);
    await pointCatalogAt(heavyRole);
    const before = countSaltedPasswordDerivations();
    expect(await upstreamAuthOf("heavy-1")).toMatchObject({ user: heavyRole, method: "scram-sha-256" });
    expect(countSaltedPasswordDerivations()).toBe(before + 1);
    expect(await upstreamAuthOf("heavy-2")).toMatchObject({ user: heavyRole, method: "scram-sha-256" });
    expect(countSaltedPasswordDerivations()).toBe(before + 1);
  });

  it("verify-full works with the CA stored on the connection; another CA or another host name is refused", async () => {
    await pointCatalogAt(tlsRole, { sslmode: "verify-full", host: "localhost", caPem: loopbackCert.certPem });
    expect(await upstreamAuthOf("verify-full")).toMatchObject({ method: "scram-sha-256-plus", tls: { isVerified: true } });
    // The system's CAs are not used instead of the stored one, and no CA at all is refused before connecting.
    await pointCatalogAt(tlsRole, { sslmode: "verify-full", host: "localhost", caPem: otherHostCert.certPem });
    expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/TLS .* failed \(sslmode=verify-full\)/) });
    await pointCatalogAt(tlsRole, { sslmode: "verify-ca", host: "localhost", caPem: null });
    expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/needs the CA certificate stored on the connection/) });
  });

  it("verify-full checks the host name, verify-ca does not", async () => {
    const undoCert = await enableServerTls(files!.dataDir, otherHostCert.certPem, otherHostCert.keyPem);
    try {
      await pointCatalogAt(tlsRole, { sslmode: "verify-full", host: "localhost", caPem: otherHostCert.certPem });
      expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/TLS .* failed \(sslmode=verify-full\).*(altnames|Host)/i) });
      await pointCatalogAt(tlsRole, { sslmode: "verify-ca", host: "localhost", caPem: otherHostCert.certPem });
      expect(await upstreamAuthOf("verify-ca")).toMatchObject({ method: "scram-sha-256-plus", tls: { isVerified: true } });
    } finally {
      await undoCert();
      await enableServerTls(files!.dataDir, loopbackCert.certPem, loopbackCert.keyPem);
    }
  });

  it("a hostile upstream: no password for a cleartext request, no session without the SCRAM server signature", async () => {
    for (const behaviour of [{ kind: "cleartext" } as const, { kind: "scram", mechanisms: ["SCRAM-SHA-256"], final: "skip" } as const]) {
      const hostile = await startHostileUpstream({ password, tls: false, behaviour });
      try {
        await fx.db.update(connections).set({ host: "127.0.0.1", port: hostile.port, sslmode: "disable", passwordCiphertext: encryptCredential(fx.secretKey, password, fx.connectionId) }).where(eq(connections.id, fx.connectionId));
        expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/cleartext on a connection without TLS|without proving it knows the password/) });
        expect(hostile.received().includes(Buffer.from(password))).toBe(false);
        expect(hostile.events).not.toContain("password");
      } finally {
        await hostile.close();
      }
    }
    await fx.db.update(connections).set({ port: Number(new URL(fx.targetAdminUrl).port) }).where(eq(connections.id, fx.connectionId));
  });

  it("with TLS required by the server, sslmode=disable is refused upstream", async () => {
    await pointCatalogAt(tlsRole, { sslmode: "disable" });
    expect(await refusal()).toMatchObject({ code: "08001", message: expect.stringMatching(/no encryption|rejects connection/) });
  });
});
