import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createDb } from "@/lib/db/create-db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/lib/db/embedded-postgres";
import { enableEmbeddedTls } from "@/lib/db/embedded-postgres-tls";
import { createSelfSignedCertificate } from "@/proxy/tls/self-signed-certificate";
import { migrateStore } from "@/lib/db/migrate";
import { prepareDemoTarget } from "@/lib/db/prepare-demo-target";
import { DEMO_CONNECTION_NAME, ensureDemoConnection } from "@/lib/server/connections/ensure-demo-connection";
import { connectInstructions } from "@/lib/server/tokens/connect-instructions";
import { createToken } from "@/lib/server/tokens/create-token";
import { ensureTrustedIssuer } from "@/lib/server/trusted-issuers/ensure-trusted-issuer";
import type { RuntimeConfig, WardenConfig } from "@/lib/shared/config";
import { ensureGatewayBuild } from "./build-gateway";
import { childNodeOptions } from "./child-node-options";
import { forwardOutput, stdioFor, type ChildOutput } from "./child-output";
import { gatewayEnvironment } from "./gateway-environment";
import { isPortFree } from "./port-free";
import { startGatewayProcess } from "./start-gateway-process";
import { stopChild } from "./stop-child";
import { readNumber, readOrCreateCertificate, readOrCreateSecret, writeNumber } from "./warden-files";

export type LaunchOptions = {
  root: string;
  config: WardenConfig;
  /** `next dev` instead of the production build. */
  isDev?: boolean;
  /** Where the console's and the gateway's own output goes (inherit for `npm start`, a callback for tests). */
  consoleOutput?: ChildOutput;
  log: (line: string) => void;
};

export type RunningWarden = {
  consoleUrl: string;
  config: RuntimeConfig;
  /** Set on the embedded default: the demo sign-ins, and a psql command with a fresh token for dev@example.com. */
  demo?: { users: readonly { email: string; groups: readonly string[] }[]; password: string; psqlCommand?: string };
  gateway: { host: string; port: number; tlsCertPath: string | null };
  embedded?: { adminUrl: string; demoUrl: string };
  /** Resolve with the exit code when the console or the gateway process ends by itself. */
  consoleExited: Promise<number>;
  gatewayExited: Promise<number>;
  stop(): Promise<void>;
};

const EMBEDDED_PG_PORT = 54320;

/**
 * Starts the whole product: the store (embedded PostgreSQL unless DATABASE_URL is set), migrations,
 * the demo target and its catalog entry, the development OpenID provider (unless OIDC_ISSUER is set),
 * the gateway (compiled, `node dist/gateway.mjs`, built first when its sources changed) and the
 * console, each in a process of its own. `stop()` ends everything in reverse order and may be called more than once.
 */
export async function launchWarden(opts: LaunchOptions): Promise<RunningWarden> {
  const { config, log } = opts;
  const dataDir = path.resolve(opts.root, config.WARDEN_DATA_DIR);
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((err) => log(`shutdown: ${(err as Error).message}`));
    })());

  try {
    let databaseUrl = config.DATABASE_URL;
    let secretKey = config.WARDEN_SECRET_KEY;
    let embedded: RunningWarden["embedded"];
    let server: EmbeddedServer | undefined;
    let demoTlsCertificate: { certPem: string; keyPem: string } | undefined;
    if (!databaseUrl) {
      const remembered = readNumber(dataDir, "pg.port");
      const wanted = remembered ?? EMBEDDED_PG_PORT;
      const port = (await isPortFree(wanted)) ? wanted : undefined;
      log(`Starting the embedded PostgreSQL (data in ${path.relative(opts.root, dataDir) || dataDir}/pg)…`);
      server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port });
      writeNumber(dataDir, "pg.port", server.port);
      stops.push(() => server!.stop());
      // TLS for the demo connection (verify-full, this certificate as its CA), generated once.
      demoTlsCertificate = readOrCreateCertificate(dataDir, () => createSelfSignedCertificate({ commonName: "Warden embedded PostgreSQL" }));
      await enableEmbeddedTls(server, path.join(dataDir, "pg"), demoTlsCertificate);
      await server.ensureDatabase("warden");
      databaseUrl = server.urlFor("warden");
      embedded = { adminUrl: server.urlFor("postgres"), demoUrl: server.urlFor("demo") };
      secretKey ??= Buffer.from(readOrCreateSecret(dataDir, "secret.key", () => randomBytes(32).toString("hex")), "hex");
    }
    if (!secretKey) throw new Error("WARDEN_SECRET_KEY is required when DATABASE_URL is set.");

    await migrateStore(databaseUrl);
    const db = createDb(databaseUrl, { max: 2, applicationName: "warden-launcher" });
    stops.push(() => db.$client.end());
    if (server) {
      const target = await prepareDemoTarget(server, dataDir);
      if (target.seeded) log("Seeded the demo database (customers, orders).");
      await ensureDemoConnection(db, secretKey, { ...target, caCertificate: demoTlsCertificate?.certPem });
    }

    const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
    let oidc = { issuer: config.OIDC_ISSUER, clientId: config.OIDC_CLIENT_ID, clientSecret: config.OIDC_CLIENT_SECRET };
    let demo: RunningWarden["demo"];
    if (!oidc.issuer) {
      const password = readOrCreateSecret(dataDir, "demo-users.password", () => `demo-${randomBytes(6).toString("hex")}`);
      const clientSecret = readOrCreateSecret(dataDir, "oidc-client.secret");
      const idpPort = config.PORT + 1;
      // Loaded only on the embedded default: production never runs the demo IdP.
      const { startDevOidcProvider } = await import("@/lib/dev-oidc/start-dev-oidc-provider");
      const { DEMO_USERS } = await import("@/lib/dev-oidc/demo-users");
      const idp = await startDevOidcProvider({
        port: idpPort,
        clientId: "warden-console",
        clientSecret,
        redirectUris: [`${publicUrl}/api/auth/callback/oidc`],
        postLogoutRedirectUris: [`${publicUrl}/sign-in`],
        password,
        jwksFile: path.join(dataDir, "oidc-jwks.json"),
      });
      stops.push(() => idp.close());
      oidc = { issuer: idp.issuer, clientId: "warden-console", clientSecret };
      demo = { users: DEMO_USERS, password };
    }

    const runtime: RuntimeConfig = {
      ...config,
      DATABASE_URL: databaseUrl,
      WARDEN_SECRET_KEY: secretKey,
      OIDC_ISSUER: oidc.issuer!,
      OIDC_CLIENT_ID: oidc.clientId!,
      OIDC_CLIENT_SECRET: oidc.clientSecret!,
      PUBLIC_URL: publicUrl,
    };
    // The gateway accepts the IdP's ID tokens (audience: the console's client id) as passwords too.
    await ensureTrustedIssuer(db, "system:launcher", { issuer: runtime.OIDC_ISSUER, audience: runtime.OIDC_CLIENT_ID, groupsClaim: config.OIDC_GROUPS_CLAIM });
    await ensureGatewayBuild(opts.root, log);
    const gateway = await startGatewayProcess({
      root: opts.root,
      env: gatewayEnvironment({ ...runtime, WARDEN_DATA_DIR: dataDir }, childEnvironment(runtime)),
      // TLS stays on: a self-signed certificate in the data dir unless GATEWAY_TLS_CERT is set, with
      // DATABASE_URL too, since the gateway takes no password in the clear unless
      // GATEWAY_ALLOW_PLAINTEXT_PASSWORDS says so.
      args: ["--self-signed-tls"],
      output: opts.consoleOutput ?? "inherit",
    });
    stops.push(() => gateway.stop());
    if (demo && server) {
      const developer = demo.users.find((u) => u.email === "dev@example.com")!;
      const { token } = await createToken(db, secretKey, "system:launcher", {
        userName: developer.email,
        connectionName: DEMO_CONNECTION_NAME,
        groups: [...developer.groups],
        ttlMs: 8 * 60 * 60 * 1000,
      });
      demo.psqlCommand = connectInstructions({
        host: "localhost",
        port: gateway.port,
        userName: developer.email,
        token,
        connectionName: DEMO_CONNECTION_NAME,
        sslmode: gateway.tlsCertPath ? "require" : "disable",
      }).psqlCommand;
    }

    const child = startConsole(opts, runtime);
    stops.push(() => stopChild(child));
    const consoleExited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
    const consoleUrl = `http://localhost:${config.PORT}`;
    await waitForHttp(`http://127.0.0.1:${config.PORT}/sign-in`, consoleExited);
    return {
      consoleUrl,
      config: runtime,
      demo,
      embedded,
      gateway: { host: gateway.host, port: gateway.port, tlsCertPath: gateway.tlsCertPath },
      consoleExited,
      gatewayExited: gateway.exited,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What the launcher filled in (the embedded store, its key, the IdP), for the processes it starts, which read only their environment. */
function childEnvironment(c: RuntimeConfig): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: c.DATABASE_URL,
    WARDEN_SECRET_KEY: c.WARDEN_SECRET_KEY.toString("hex"),
    OIDC_ISSUER: c.OIDC_ISSUER,
    OIDC_CLIENT_ID: c.OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET: c.OIDC_CLIENT_SECRET,
    PUBLIC_URL: c.PUBLIC_URL,
    // The CLI and tests run with the react-server condition; the console and the gateway must not inherit it.
    NODE_OPTIONS: childNodeOptions(),
  };
}

/** The console runs as its own process (`next start`), configured only through its environment. */
function startConsole(opts: LaunchOptions, c: RuntimeConfig): ChildProcess {
  const nextCli = path.join(opts.root, "node_modules", "next", "dist", "bin", "next");
  const args = opts.isDev ? ["dev", "-p", String(c.PORT)] : ["start", "-p", String(c.PORT), "-H", "127.0.0.1"];
  const env: NodeJS.ProcessEnv = {
    ...childEnvironment(c),
    NODE_ENV: opts.isDev ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
    // next-auth reads its own base URL from here.
    NEXTAUTH_URL: c.PUBLIC_URL,
    PORT: String(c.PORT),
    // The Connect page tells people where the gateway listens.
    GATEWAY_PORT: String(c.GATEWAY_PORT),
    GATEWAY_HOST: c.GATEWAY_HOST,
    // /api/mcp trusts the gateway's self-signed certificate from here (lib/mcp-http/gateway-target.ts).
    WARDEN_DATA_DIR: path.resolve(opts.root, c.WARDEN_DATA_DIR),
  };
  const output = opts.consoleOutput ?? "inherit";
  const stdio = stdioFor(output);
  const child = spawn(process.execPath, [nextCli, ...args], { cwd: opts.root, env, stdio });
  forwardOutput(child, output, stdio);
  return child;
}

async function waitForHttp(url: string, exited: Promise<number>, timeoutMs = 120_000): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited) throw new Error("The console process exited during start-up (see its output above).");
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The console did not answer at ${url} within ${timeoutMs / 1000} s.`);
}
