import { randomUUID } from "node:crypto";
import type net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { serialize } from "pg-protocol";
import { decryptCredential } from "@/lib/crypto/credentials";
import type { Authenticator } from "../auth/authenticate";
import type { FailureThrottle } from "../auth/failure-throttle";
import type { Identity } from "../auth/identity";
import type { CancelRegistry } from "../cancel/cancel-registry";
import type { GatewayHooks, SessionInfo } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import {
  authenticationCleartextPassword,
  authenticationOk,
  backendKeyData,
  errorResponse,
  negotiateProtocolVersion,
  readyForQuery,
  singleByte,
} from "../protocol/backend-messages";
import { ClientError, protocolViolation } from "../protocol/client-error";
import { FrameInbox } from "../protocol/frame-inbox";
import { FrameReader } from "../protocol/frame-reader";
import { decodePassword } from "../protocol/frontend-messages";
import { FrontendCode, NEWEST_MINOR_VERSION } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import { decodeStartupPacket, type StartupPacket } from "../protocol/startup-packet";
import { RecordingUnavailable, type Recorder } from "../recording/recorder";
import type { GatewayTls } from "../tls/load-gateway-tls";
import { cancelUpstream } from "../upstream/cancel-upstream";
import { connectUpstream, UpstreamRefused, type UpstreamConnection } from "../upstream/connect-upstream";
import { UpstreamUnreachable } from "../upstream/open-transport";
import { senderPidFor, type BackendPids } from "./backend-pids";
import { END_REASONS, type Phase } from "./phases";
import { Relay } from "./relay";

export type GatewayLimits = {
  maxMessageBytes: number;
  resultRows: number;
  resultBytes: number;
  startupTimeoutMs: number;
  upstreamTimeoutMs: number;
  /** Named prepared statements (and, separately, named portals) a session may have at once. */
  maxPreparedStatements: number;
};

/** What every session of a worker shares. */
export type GatewayContext = {
  instance: string;
  tls: GatewayTls | null;
  authenticator: Authenticator;
  throttle: FailureThrottle;
  cancels: CancelRegistry;
  recorder: Recorder;
  hooks: GatewayHooks;
  secretKey: Buffer;
  limits: GatewayLimits;
  log: Logger;
  sessions: Set<ClientSession>;
  /** Upstream backends' process ids and the stand-ins this worker's clients know them by (notifications). */
  backendPids: BackendPids;
};

/** Startup parameters passed on to the upstream server; others (notably `options`) are dropped. */
const FORWARDED_PARAMETERS = new Set([
  "application_name",
  "client_encoding",
  "datestyle",
  "timezone",
  "intervalstyle",
  "extra_float_digits",
  "search_path",
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
]);

/** How long the upstream connection may take to close by itself after Terminate before it is cut. */
const UPSTREAM_CLOSE_GRACE_MS = 500;

class ClientGone extends Error {
  override name = "ClientGone";
}

/**
 * One client connection, as a state machine: startup (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage) -> tls -> auth (cleartext password: a token or a JWT) -> upstream (connect and sign
 * in with the stored credential) -> ready (the relay) -> closing. `close(reason)` is idempotent and
 * records the session's end.
 */
export class ClientSession {
  readonly id = randomUUID();
  phase: Phase = "startup";
  private socket: Duplex;
  private readonly clientAddress: string;
  private isTls = false;
  private identity: Identity | null = null;
  private upstream: UpstreamConnection | null = null;
  private relay: Relay | null = null;
  private cancelKey: { processId: number; secretKey: Buffer } | null = null;
  private releaseBackendPid: (() => void) | null = null;
  private isRecorded = false;
  private readonly log: Logger;
  private info: SessionInfo | null = null;

  constructor(
    raw: net.Socket,
    private readonly gw: GatewayContext,
  ) {
    this.socket = raw;
    this.clientAddress = (raw.remoteAddress ?? "unknown").replace(/^::ffff:/, "");
    this.log = gw.log.child({ connection: this.id, client: this.clientAddress });
    raw.setNoDelay(true);
    raw.on("error", () => {});
    raw.once("close", () => this.close(this.clientGoneReason()));
    gw.sessions.add(this);
  }

  /** The identity established at sign-in, once there is one. */
  get signedIn(): Identity | null {
    return this.identity;
  }

  async run(): Promise<void> {
    try {
      const startup = await this.readStartup();
      if (!startup) return;
      await this.signIn(startup);
    } catch (err) {
      this.closeOnError(err);
    }
  }

  /** Ends the session once: tells the client why (when given), closes both sockets, records the end. */
  close(reason: string, error?: ClientError): void {
    if (this.phase === "closing") return;
    const wasReady = this.phase === "ready";
    this.phase = "closing";
    const wasRunning = this.relay?.hasStatementInFlight ?? false;
    this.relay?.stop(reason);
    if (!error && reason === END_REASONS.upstreamClosed && !this.relay?.hasToldClientOfFatal) {
      // The server went away without a word: the client hears it from us, not as a bare socket end.
      error = ClientError.fatal(SqlState.ConnectionFailure, "the connection to the database server was lost; the statement's outcome is unknown");
    }
    if (error && !this.socket.destroyed) this.socket.write(errorResponse({ severity: error.severity, sqlState: error.sqlState, message: error.message, ...error.extra }));
    this.socket.end();
    const socket = this.socket;
    setTimeout(() => socket.destroy(), 2000).unref();
    if (this.upstream) {
      const up = this.upstream.socket;
      // A statement still running would keep its backend (and its locks) until it ends: cancel it,
      // so the backend reads our Terminate, or notices the closed socket, within the second.
      if (wasRunning && reason !== END_REASONS.upstreamClosed) void this.cancelUpstreamBackend().catch(() => {});
      if (!up.destroyed) up.end(serialize.end());
      setTimeout(() => up.destroy(), UPSTREAM_CLOSE_GRACE_MS).unref();
    }
    if (this.cancelKey) this.gw.cancels.release(this.cancelKey.processId);
    this.releaseBackendPid?.();
    if (this.isRecorded && this.info) {
      this.gw.recorder.endSession(
        { id: this.id, endedAt: new Date(), endReason: reason },
        { actor: this.info.userName, action: "gateway.session.end", targetType: "session", targetId: this.id, targetName: this.info.connection.name, details: { reason } },
      );
    }
    this.gw.sessions.delete(this);
    if (wasReady || this.identity) this.log.info("session ended", { reason });
  }

  /** Cancels whatever the upstream backend is running (a client's CancelRequest named our key). */
  async cancelUpstream(): Promise<void> {
    // A statement held for approval has not reached the server: cancelling it withdraws the request.
    if (this.relay?.cancelHeld()) return;
    await this.cancelUpstreamBackend();
  }

  private async cancelUpstreamBackend(): Promise<void> {
    const up = this.upstream;
    const c = this.identity?.connection;
    if (!up?.backendKey || !c) return;
    await cancelUpstream({ host: c.host, port: c.port, sslmode: c.sslmode }, up.backendKey, this.gw.limits.upstreamTimeoutMs);
  }

  /** A client that sent Terminate before going away ended the session properly. */
  private clientGoneReason(): string {
    return this.relay?.isTerminating ? END_REASONS.clientTerminated : END_REASONS.clientDisconnected;
  }

  // ---- startup and tls ----------------------------------------------------------------------

  private newInbox(): FrameInbox {
    return new FrameInbox(this.socket, new FrameReader({ maxMessageBytes: this.gw.limits.maxMessageBytes, isStartup: true }), () => new ClientGone("client went away"));
  }

  /** StartupMessage, after any SSLRequest / GSSENCRequest; null when the packet was a CancelRequest. */
  private async readStartup(): Promise<Extract<StartupPacket, { kind: "startup" }> & { inbox: FrameInbox } | null> {
    let inbox = this.newInbox();
    for (;;) {
      const { frame } = await inbox.next(this.gw.limits.startupTimeoutMs, "the startup packet");
      const packet = decodeStartupPacket(frame);
      switch (packet.kind) {
        case "gssenc":
          // GSSAPI encryption is not offered; libpq then tries SSL or plain.
          this.socket.write(singleByte("N"));
          continue;
        case "ssl":
          if (this.isTls) throw protocolViolation("SSLRequest received on an encrypted connection");
          if (!this.gw.tls) {
            this.socket.write(singleByte("N"));
            continue;
          }
          // Bytes sent after SSLRequest but before the handshake would be trusted plaintext (CVE-2021-23214).
          if (inbox.reader.bufferedBytes > 0 || inbox.detach().length > 0) throw protocolViolation("received unencrypted data after SSL request");
          this.phase = "tls";
          this.socket.write(singleByte("S"));
          this.socket = await this.startTls(this.socket, this.gw.tls.context);
          this.isTls = true;
          this.phase = "startup";
          inbox = this.newInbox();
          continue;
        case "cancel":
          inbox.detach();
          await this.forwardCancel(packet.processId, packet.secretKey);
          this.close("cancel_request");
          return null;
        case "startup":
          inbox.reader.isStartup = false;
          return { ...packet, inbox };
      }
    }
  }

  private startTls(raw: Duplex, context: tls.SecureContext): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const secure = new tls.TLSSocket(raw as net.Socket, { isServer: true, secureContext: context });
      const timer = setTimeout(() => reject(protocolViolation("TLS handshake timed out")), this.gw.limits.startupTimeoutMs);
      secure.once("secure", () => {
        clearTimeout(timer);
        secure.off("error", onError);
        secure.on("error", () => {});
        secure.once("close", () => this.close(this.clientGoneReason()));
        resolve(secure);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new ClientGone(`TLS handshake failed: ${err.message}`));
      };
      secure.once("error", onError);
    });
  }

  /** CancelRequest: our own session's query, or one on another worker (passed on through the store). */
  private async forwardCancel(processId: number, secretKey: Buffer) {
    try {
      const outcome = await this.gw.cancels.cancel(processId, secretKey);
      if (outcome === "passed_on") this.log.info("cancel request for a key of another worker passed on");
      else if (outcome === "unknown") this.log.info("cancel request with an unknown key ignored");
    } catch (err) {
      this.log.warn("cancel request could not be forwarded", { error: (err as Error).message });
    }
  }

  // ---- auth, upstream, ready ----------------------------------------------------------------

  private async signIn(startup: Extract<StartupPacket, { kind: "startup" }> & { inbox: FrameInbox }) {
    const { inbox, parameters } = startup;
    const minor = startup.version & 0xffff;
    if (minor > NEWEST_MINOR_VERSION || startup.protocolOptions.length > 0) {
      this.socket.write(negotiateProtocolVersion(Math.min(minor, NEWEST_MINOR_VERSION), startup.protocolOptions));
    }
    const effectiveMinor = Math.min(minor, NEWEST_MINOR_VERSION);
    const userName = parameters.get("user");
    if (!userName) throw ClientError.fatal(SqlState.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet");
    const database = parameters.get("database") || userName;
    if (parameters.has("replication") && parameters.get("replication") !== "false") {
      throw ClientError.fatal(SqlState.FeatureNotSupported, "replication connections are not supported through the Warden gateway");
    }
    this.phase = "auth";
    if (!this.isTls && !isLoopback(this.clientAddress)) {
      throw ClientError.fatal(SqlState.InvalidAuthorizationSpecification, "the Warden gateway accepts passwords from other hosts only over TLS", {
        hint: "Connect with sslmode=require.",
      });
    }
    this.socket.write(authenticationCleartextPassword());
    const { code, frame } = await inbox.next(this.gw.limits.startupTimeoutMs, "the password");
    if (code !== FrontendCode.Password) throw protocolViolation(`expected a password message, got message type ${String.fromCharCode(code)}`);
    const password = decodePassword(frame);

    let identity: Identity;
    try {
      identity = await this.gw.authenticator.authenticate({ userName, database, password });
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      await this.refuseSignIn(err, userName, database);
      return;
    }
    this.gw.throttle.recordSuccess(this.clientAddress);
    this.identity = identity;
    const applicationName = parameters.get("application_name") || parameters.get("fallback_application_name") || null;
    this.info = {
      id: this.id,
      userName: identity.userName,
      actorKind: identity.actorKind,
      agentName: identity.agentName ?? (identity.actorKind === "agent" ? applicationName : null),
      groups: identity.groups,
      authMethod: identity.authMethod,
      connection: { id: identity.connection.id, name: identity.connection.name },
      applicationName,
      clientAddress: this.clientAddress,
    };

    this.phase = "upstream";
    const upstream = await this.connectUpstream(identity, parameters);
    if (this.phase !== "upstream") {
      upstream.socket.destroy();
      return;
    }
    this.upstream = upstream;
    upstream.socket.on("error", () => {});
    upstream.socket.on("close", () => this.close(this.relay?.isTerminating ? END_REASONS.clientTerminated : END_REASONS.upstreamClosed));

    await this.recordStart(identity, `3.${effectiveMinor}`);
    if (this.phase !== "upstream") return;

    this.cancelKey = this.gw.cancels.issue(this, effectiveMinor >= 2 ? 32 : 4);
    // Notifications name their sender's process id: this client knows its own backend by our key's.
    const server = `${identity.connection.host}:${identity.connection.port}`;
    const backendPid = upstream.backendKey?.processId ?? null;
    if (backendPid !== null) this.releaseBackendPid = this.gw.backendPids.register(server, backendPid, this.cancelKey.processId);
    this.socket.cork();
    this.socket.write(authenticationOk());
    for (const ps of upstream.parameterStatus) this.socket.write(ps);
    this.socket.write(backendKeyData(this.cancelKey.processId, this.cancelKey.secretKey));
    this.socket.write(readyForQuery(upstream.transactionStatus));
    this.socket.uncork();

    this.phase = "ready";
    const early = inbox.detach();
    this.socket.once("end", () => this.close(this.clientGoneReason()));
    this.relay = new Relay(
      { socket: this.socket, reader: inbox.reader },
      { socket: upstream.socket, reader: upstream.reader },
      {
        session: this.info,
        recorder: this.gw.recorder,
        hooks: this.gw.hooks,
        limits: {
          maxRows: this.gw.limits.resultRows,
          maxBytes: this.gw.limits.resultBytes,
          maxPreparedStatements: this.gw.limits.maxPreparedStatements,
          maxPortals: this.gw.limits.maxPreparedStatements,
        },
        log: this.log,
        close: (reason, error) => this.close(reason, error),
        senderPid: senderPidFor(this.gw.backendPids, server, { backendPid, clientPid: this.cancelKey.processId }),
      },
      upstream.transactionStatus,
    );
    this.relay.start(early, upstream.early);
    this.log.info("session started", { user: identity.userName, connection: identity.connection.name, actorKind: identity.actorKind, tls: this.isTls });
  }

  /** A failed sign-in: slowed down when repeated from the same address, audited, then refused. */
  private async refuseSignIn(err: ClientError, userName: string, database: string) {
    const delay = this.gw.throttle.recordFailure(this.clientAddress);
    this.gw.recorder.recordEvent({
      actor: userName,
      action: "gateway.sign_in.failed",
      targetType: "connection",
      targetName: database,
      details: { clientAddress: this.clientAddress, sqlState: err.sqlState, reason: err.message },
    });
    if (delay > 0) {
      this.log.warn("repeated sign-in failures from this address: answer delayed", { delayMs: delay, failures: this.gw.throttle.failureCount(this.clientAddress) });
      await new Promise((r) => setTimeout(r, delay));
    }
    this.log.info("sign-in refused", { user: userName, database, sqlState: err.sqlState, reason: err.message });
    this.close("sign_in_failed", err);
  }

  private async connectUpstream(identity: Identity, parameters: Map<string, string>): Promise<UpstreamConnection> {
    const c = identity.connection;
    const forwarded: Record<string, string> = {};
    for (const [k, v] of parameters) if (FORWARDED_PARAMETERS.has(k.toLowerCase())) forwarded[k] = v;
    if (!forwarded.application_name && parameters.get("fallback_application_name")) forwarded.application_name = parameters.get("fallback_application_name")!;
    let password: string | undefined;
    try {
      password = c.passwordCiphertext ? decryptCredential(this.gw.secretKey, c.passwordCiphertext, c.id) : undefined;
    } catch (err) {
      this.log.error("stored credential cannot be decrypted", { connectionName: c.name, error: (err as Error).message });
      throw ClientError.fatal(SqlState.UnableToConnect, `Warden cannot use the stored credential of connection "${c.name}"; ask an admin to save it again`);
    }
    try {
      return await connectUpstream(
        { host: c.host, port: c.port, sslmode: c.sslmode, database: c.database, username: c.username, password },
        forwarded,
        { timeoutMs: this.gw.limits.upstreamTimeoutMs, maxMessageBytes: Number.MAX_SAFE_INTEGER },
      );
    } catch (err) {
      if (err instanceof UpstreamRefused || err instanceof UpstreamUnreachable || (err as Error)?.message?.startsWith("SCRAM")) {
        this.log.warn("upstream connection failed", { connectionName: c.name, error: (err as Error).message });
        throw ClientError.fatal(SqlState.UnableToConnect, `Warden could not connect to connection "${c.name}": ${(err as Error).message}`);
      }
      throw err;
    }
  }

  private async recordStart(identity: Identity, protocolVersion: string) {
    const info = this.info!;
    try {
      await this.gw.recorder.startSession(
        {
          id: this.id,
          connectionId: identity.connection.id,
          connectionName: identity.connection.name,
          userName: identity.userName,
          actorKind: identity.actorKind,
          agentName: info.agentName,
          groups: identity.groups,
          authMethod: identity.authMethod,
          tokenId: identity.tokenId,
          applicationName: info.applicationName,
          clientAddress: this.clientAddress,
          isTls: this.isTls,
          protocolVersion,
          gatewayInstance: this.gw.instance,
          recordingMode: this.gw.recorder.mode,
          startedAt: new Date(),
        },
        {
          actor: identity.userName,
          action: "gateway.session.start",
          targetType: "session",
          targetId: this.id,
          targetName: identity.connection.name,
          details: { actorKind: identity.actorKind, agentName: info.agentName, authMethod: identity.authMethod, clientAddress: this.clientAddress, applicationName: info.applicationName },
        },
      );
      this.isRecorded = true;
    } catch (err) {
      if (!(err instanceof RecordingUnavailable)) throw err;
      throw ClientError.fatal(err.sqlState, err.clientMessage("it accepts no connections"));
    }
  }

  private closeOnError(err: unknown) {
    if (this.phase === "closing") return;
    if (err instanceof ClientError) {
      this.close(err.sqlState === SqlState.ProtocolViolation ? END_REASONS.protocolViolation : "refused", err);
      return;
    }
    if (err instanceof ClientGone) {
      this.close(END_REASONS.clientDisconnected);
      return;
    }
    this.log.error("unexpected error", { phase: this.phase, error: (err as Error)?.stack ?? String(err) });
    this.close(END_REASONS.internalError, ClientError.fatal(SqlState.InternalError, "internal error in the Warden gateway"));
  }
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}
