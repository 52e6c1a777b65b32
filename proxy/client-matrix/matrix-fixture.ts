import { eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import { encryptCredential } from "@/lib/crypto/credentials";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { savePolicy } from "../approvals/testing/approval-fixtures";
import { startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { startMatrixServer, type MatrixServer } from "./matrix-server";

export const SIDES = ["direct", "gateway"] as const;
export type Side = (typeof SIDES)[number];

/** Where a client program signs in: host, port, user, password, database, as a DSN would say them. */
export type MatrixTarget = { side: Side; host: string; port: number; user: string; password: string; database: string };

export type ClientMatrix = { targets: Record<Side, MatrixTarget>; server: MatrixServer; fx: GatewayFixture; close(): Promise<void> };

/**
 * The matrix's TLS-enabled PostgreSQL with two identical databases: one the client signs in to
 * directly, one behind a gateway (self-signed TLS on its client side, TLS required upstream). The
 * gateway's policy is the default without approvals, as a team would set up a scratch database:
 * writes, DDL and COPY run at once, the guardrails still apply; and one column rule, so that lineage
 * analyses every statement.
 */
export async function startClientMatrix(): Promise<ClientMatrix> {
  const server = await startMatrixServer();
  let fx: GatewayFixture | undefined;
  try {
    const direct = await server.createDatabase("direct");
    const behind = await server.createDatabase("gateway");
    fx = await startGatewayFixture({ selfSignedTls: true });
    await fx.db
      .update(connections)
      .set({
        host: behind.host,
        port: behind.port,
        database: behind.database,
        username: behind.user,
        passwordCiphertext: encryptCredential(fx.secretKey, behind.password, fx.connectionId),
        sslmode: "require",
      })
      .where(eq(connections.id, fx.connectionId));
    // A column rule on a table no case reads turns lineage on (it runs only where rules exist): every
    // client's statements, driver metadata queries included, are analysed and must come out unmasked.
    const base = defaultPolicy();
    const masking = { ...base.masking, columnRules: [{ column: "public.matrix_untouched.secret", semanticType: "secret" }] };
    await savePolicy(fx.db, fx.connectionId, { ...base, approvals: [], masking });
    const gatewayFx = fx;
    return {
      targets: {
        direct: { side: "direct", host: direct.host, port: direct.port, user: direct.user, password: direct.password, database: direct.database },
        gateway: { side: "gateway", host: "127.0.0.1", port: fx.gateway.port, user: fx.email, password: fx.token, database: fx.connectionName },
      },
      server,
      fx,
      async close() {
        await gatewayFx.close();
        await server.stop();
      },
    };
  } catch (err) {
    await fx?.close();
    await server.stop();
    throw err;
  }
}
