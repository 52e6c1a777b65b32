import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Db } from "@/lib/db/create-db";
import { loadClassifier } from "@/lib/policy/classify-statement";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { DEFAULT_GATEWAY_MAX_CONNECTIONS, type WardenConfig } from "@/lib/shared/config";
import { ConnectionAdmission } from "./admission/connection-admission";
import { createLocalSlots, type ConnectionSlots } from "./admission/connection-slots";
import { Authenticator } from "./auth/authenticate";
import type { DigestOptions } from "./auth/failure-digest";
import { SignInDesk } from "./auth/sign-in-desk";
import { createLocalSignInGuard, type SignInGuard } from "./auth/sign-in-guard";
import type { LedgerOptions } from "./auth/sign-in-ledger";
import { JwtVerifier } from "./auth/verify-jwt";
import { createCancelPublisher, listenForCancels } from "./cancel/cancel-broadcast";
import { CancelRegistry } from "./cancel/cancel-registry";
import { createStoreListener } from "@/lib/db/store-listener";
import { createDefaultHooks } from "./hooks/default-hooks";
import type { GatewayHooks } from "./hooks/gateway-hooks";
import { PolicyCache } from "./policy/policy-cache";
import { createLogger, type Logger } from "./log";
import { watchGateway } from "./metrics/gateway-metrics";
import { ClientError } from "./protocol/client-error";
import { SqlState } from "./protocol/sql-state";
import { Recorder, type RecordingMode } from "./recording/recorder";
import { BackendPids } from "./session/backend-pids";
import { ClientSession, type GatewayContext, type GatewayLimits } from "./session/client-session";
import { sweepCredentials } from "./session/credential-sweep";
import { listenForEndRequests } from "./session/end-request-listener";
import { END_REASONS } from "./session/phases";
import { createGatewayDb } from "./store-db";
import { loadGatewayTls } from "./tls/load-gateway-tls";

/** The settings a gateway worker reads; the launcher fills DATABASE_URL and the key on the embedded default. */
export type GatewayConfig = Pick<
  WardenConfig,
  | "GATEWAY_PORT"
  | "GATEWAY_HOST"
  | "GATEWAY_TLS_CERT"
  | "GATEWAY_TLS_KEY"
  | "WARDEN_DATA_DIR"
  | "LOG_LEVEL"
> &
  Partial<Pick<WardenConfig, "WARDEN_APPROVAL_WEBHOOK_URL" | "GATEWAY_ALLOW_PLAINTEXT_PASSWORDS" | "GATEWAY_RECORDING_MODE" | "GATEWAY_MAX_MESSAGE_BYTES" | "GATEWAY_MAX_PREPARED_STATEMENTS" | "GATEWAY_MAX_CONNECTIONS">> & {
  DATABASE_URL: string;
  WARDEN_SECRET_KEY: Buffer;
  PUBLIC_URL?: string;
};

export type GatewayDeps = {
  /** The store; by default the worker opens its own pool (with time limits) on DATABASE_URL. */
  db?: Db;
  log?: Logger;
  hooks?: GatewayHooks;
  /** strict (default): each statement's record is committed before it runs. */
  recordingMode?: RecordingMode;
  /** On the embedded default: generate a self-signed certificate under WARDEN_DATA_DIR when none is configured. */
  selfSignedTls?: boolean;
  limits?: Partial<GatewayLimits>;
  /** The sign-in throttle's figures (sign-in-ledger.ts). */
  throttle?: Partial<LedgerOptions>;
  /** How refused sign-ins are summed for the audit trail (failure-digest.ts). */
  failureDigest?: Partial<DigestOptions>;
  /** Where sign-in attempts are counted; by default in this process (a cluster worker asks its primary). */
  signInGuard?: (fallbackDesk: () => SignInDesk<number>) => SignInGuard;
  /** A refused sign-in is answered no sooner than this long after its password arrived (default 200 ms). */
  failureAnswerMs?: number;
  /** How often live sessions' credentials are re-checked (revocation, expiry). */
  credentialCheckMs?: number;
  /** How often held statements' requests are re-read in case a NOTIFY was missed (default 5 s). */
  approvalPollMs?: number;
  recordingRetryMs?: number;
  /** The cap on concurrent client connections (GATEWAY_MAX_CONNECTIONS when not given). */
  maxConnections?: number;
  /** Where places under that cap are counted; by default in this process (a cluster worker asks its primary). */
  connectionSlots?: ConnectionSlots;
};

export type RunningGateway = {
  port: number;
  host: string;
  /** Path of the certificate clients can trust (sslrootcert), when TLS is on. */
  tlsCertPath: string | null;
  /** Sessions currently open in this worker. */
  sessionCount(): number;
  /** Client connections whose sockets are open in this worker, sessions or not (the ones GATEWAY_MAX_CONNECTIONS counts). */
  connectionCount(): number;
  /** Stops accepting, ends every session (clients get 57P01), writes the last records. Idempotent. */
  close(): Promise<void>;
};

const RECORDING_DEFAULTS = defaultPolicy().recording;

/** Every refused sign-in is answered this long after its password arrived, whatever the reason, so timing tells nothing. */
export const DEFAULT_FAILURE_ANSWER_MS = 200;

export const DEFAULT_LIMITS: GatewayLimits = {
  maxMessageBytes: 64 * 1024 * 1024,
  // What the recording keeps of a result no policy capped (a statement not judged by one): the
  // policy's own defaults. Each connection's policy sets its caps (recording.resultRowCap, resultByteCap).
  resultRows: RECORDING_DEFAULTS.resultRowCap,
  resultBytes: RECORDING_DEFAULTS.resultByteCap,
  startupTimeoutMs: 30_000,
  upstreamTimeoutMs: 10_000,
  maxPreparedStatements: 10_000,
};

function limitsFromConfig(c: GatewayConfig): Partial<GatewayLimits> {
  const limits: Partial<GatewayLimits> = {};
  if (c.GATEWAY_MAX_MESSAGE_BYTES !== undefined) limits.maxMessageBytes = c.GATEWAY_MAX_MESSAGE_BYTES;
  if (c.GATEWAY_MAX_PREPARED_STATEMENTS !== undefined) limits.maxPreparedStatements = c.GATEWAY_MAX_PREPARED_STATEMENTS;
  return limits;
}

/** Starts one gateway worker: listens on GATEWAY_HOST:GATEWAY_PORT (port 0 picks a free one). */
export async function startGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<RunningGateway> {
  await loadClassifier();
  const log = deps.log ?? createLogger(config.LOG_LEVEL).child({ component: "gateway" });
  const ownsDb = !deps.db;
  const db = deps.db ?? createGatewayDb(config.DATABASE_URL);
  const tls = loadGatewayTls({
    certFile: config.GATEWAY_TLS_CERT,
    keyFile: config.GATEWAY_TLS_KEY,
    selfSignedDir: deps.selfSignedTls ? path.resolve(config.WARDEN_DATA_DIR) : undefined,
  });
  const recorder = new Recorder(db, { mode: deps.recordingMode ?? config.GATEWAY_RECORDING_MODE ?? "strict", log, retryDelayMs: deps.recordingRetryMs });
  const sessions = new Set<ClientSession>();
  const instance = `${os.hostname()}:${process.pid}`;
  const listener = createStoreListener(config.DATABASE_URL, { onError: (err) => log.warn("store listener", { error: err.message }) });
  const policies = new PolicyCache(db, listener);
  // A CancelRequest may reach another worker than the one holding the session: they meet in the store.
  const cancels = new CancelRegistry(createCancelPublisher({ db, secretKey: config.WARDEN_SECRET_KEY, log }));
  const stopCancelListening = listenForCancels({ listener, registry: cancels, secretKey: config.WARDEN_SECRET_KEY, log });
  // An admin ends a session from the console: the request reaches whichever worker holds it through the store.
  const stopEndRequestListening = listenForEndRequests({ db, listener, sessions, log });
  const hooks =
    deps.hooks ??
    createDefaultHooks({ db, listener, policies, secretKey: config.WARDEN_SECRET_KEY, instance, publicUrl: config.PUBLIC_URL, approvalWebhookUrl: config.WARDEN_APPROVAL_WEBHOOK_URL, approvalPollMs: deps.approvalPollMs, log });
  // Refused sign-ins reach the audit trail as one event per address and minute, written by the desk.
  const localDesk = () => new SignInDesk<number>({ ledger: deps.throttle, digest: deps.failureDigest, log, writeEvents: async (events) => events.forEach((e) => recorder.recordEvent(e)) });
  const signInGuard = deps.signInGuard ? deps.signInGuard(localDesk) : createLocalSignInGuard(localDesk());
  const ctx: GatewayContext = {
    instance,
    tls,
    allowPlaintextPasswords: config.GATEWAY_ALLOW_PLAINTEXT_PASSWORDS ?? "never",
    authenticator: new Authenticator(db, config.WARDEN_SECRET_KEY, new JwtVerifier(db)),
    signInGuard,
    failureAnswerMs: deps.failureAnswerMs ?? DEFAULT_FAILURE_ANSWER_MS,
    cancels,
    recorder,
    hooks,
    secretKey: config.WARDEN_SECRET_KEY,
    limits: { ...DEFAULT_LIMITS, ...limitsFromConfig(config), ...deps.limits },
    log,
    sessions,
    backendPids: new BackendPids(),
  };

  const maxConnections = deps.maxConnections ?? config.GATEWAY_MAX_CONNECTIONS ?? DEFAULT_GATEWAY_MAX_CONNECTIONS;
  // As many refusals as places may wait for their startup packet at once (PostgreSQL too keeps more processes than connections).
  const admission = new ConnectionAdmission(deps.connectionSlots ?? createLocalSlots(maxConnections), maxConnections, log);
  let openConnections = 0;
  const server = net.createServer((socket) => {
    openConnections++;
    socket.once("close", () => openConnections--);
    // One deadline for the whole startup, from the moment the connection is accepted.
    const session = new ClientSession(socket, ctx, { deadline: Date.now() + ctx.limits.startupTimeoutMs, hasPlace: admission.admit(socket) });
    session.run().catch((err) => log.error("session failed", { connection: session.id, error: (err as Error)?.stack }));
  });
  server.on("error", (err) => log.error("listener error", { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  const unwatchMetrics = watchGateway({ connections: () => openConnections, recordingBacklog: () => recorder.backlog });

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepCredentials(db, sessions, log).finally(() => (sweeping = false));
  }, deps.credentialCheckMs ?? 15_000);
  sweep.unref();

  log.info("gateway listening", { host: config.GATEWAY_HOST, port, maxConnections, tls: tls ? (tls.isSelfSigned ? "self-signed" : "configured") : "off", plaintextPasswords: ctx.allowPlaintextPasswords, recording: recorder.mode });
  if (!tls && ctx.allowPlaintextPasswords === "never") {
    log.warn("TLS is off and GATEWAY_ALLOW_PLAINTEXT_PASSWORDS is never: no client can sign in (set GATEWAY_TLS_CERT and GATEWAY_TLS_KEY)");
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    host: config.GATEWAY_HOST,
    tlsCertPath: tls?.certPath ?? null,
    sessionCount: () => sessions.size,
    connectionCount: () => openConnections,
    close: () =>
      (closing ??= (async () => {
        clearInterval(sweep);
        unwatchMetrics();
        stopCancelListening();
        stopEndRequestListening();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of [...sessions]) s.close(END_REASONS.gatewayShutdown, ClientError.fatal(SqlState.AdminShutdown, "terminating connection due to gateway shutdown"));
        await stopped;
        // The last minute's failed sign-ins, before the recorder writes its last records.
        await signInGuard.close();
        await recorder.close();
        await hooks.close?.();
        await listener.close();
        if (ownsDb) await db.$client.end();
        log.info("gateway stopped");
      })()),
  };
}
