import { randomUUID } from "node:crypto";
import type net from "node:net";
import type { Duplex } from "node:stream";
import type tls from "node:tls";
import { serialize } from "pg-protocol";
import type { Authenticator } from "../auth/authenticate";
import { authenticationFailed, SignInRefused } from "../auth/sign-in-failure";
import type { SignInAttempt, SignInGuard } from "../auth/sign-in-guard";
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
} from "../protocol/backend-messages";
import { ClientError, protocolViolation } from "../protocol/client-error";
import type { FrameInbox } from "../protocol/frame-inbox";
import { decodePassword } from "../protocol/frontend-messages";
import { FrontendCode, NEWEST_MINOR_VERSION } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import type { StartupPacket } from "../protocol/startup-packet";
import { RecordingUnavailable, type Recorder } from "../recording/recorder";
import type { GatewayTls } from "../tls/load-gateway-tls";
import { cancelUpstream } from "../upstream/cancel-upstream";
import { connectUpstream, UpstreamAuthRejected, UpstreamRefused, type UpstreamConnection } from "../upstream/connect-upstream";
import { StoredSecretUnreadable, upstreamTargetOf } from "../upstream/upstream-target";
import { UpstreamUnreachable } from "../upstream/open-transport";
import { senderPidFor, type BackendPids } from "./backend-pids";
import { END_REASONS, type Phase } from "./phases";
import { readOnlyTurnedOff, readOnlyTurnedOffError } from "./reading-guard";
import { Relay } from "./relay";
import { runStartupHandshake, type StartupAllowance } from "./startup-handshake";
import { planStartupSettings, READ_ONLY_SETTING, readOnlyUpstreamParameters } from "./startup-settings";
import { settingStatement, type StartupSetting } from "@/lib/policy/judge-startup-settings";
import { unreadableSetting } from "@/lib/policy/sql-reading";
import { StoreUnreachable } from "../auth/authenticate";

export type GatewayLimits = {
  maxMessageBytes: number;
  resultRows: number;
  resultBytes: number;
  /** The deadline of the whole startup, from accept: every packet, the TLS handshake and the password. */
  startupTimeoutMs: number;
  upstreamTimeoutMs: number;
  /** Named prepared statements (and, separately, named portals) a session may have at once. */
  maxPreparedStatements: number;
};

/** What every session of a worker shares. */
export type GatewayContext = {
  instance: string;
  tls: GatewayTls | null;
  /** GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: whether a client on this host may send its password without TLS. */
  allowPlaintextPasswords: "never" | "loopback";
  authenticator: Authenticator;
  /** The throttle every password passes before it is checked, and the count of refused sign-ins. */
  signInGuard: SignInGuard;
  /** Every refused sign-in is answered no sooner than this long after its password arrived. */
  failureAnswerMs: number;
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
    private readonly allowance: StartupAllowance,
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
    const { host, port, sslmode, caCertificate } = upstreamTargetOf(this.gw.secretKey, c);
    await cancelUpstream({ host, port, sslmode, caCertificate }, up.backendKey, this.gw.limits.upstreamTimeoutMs);
  }

  /** A client that sent Terminate before going away ended the session properly. */
  private clientGoneReason(): string {
    return this.relay?.isTerminating ? END_REASONS.clientTerminated : END_REASONS.clientDisconnected;
  }

  // ---- startup and tls ----------------------------------------------------------------------

  /** StartupMessage, after any TLS negotiation (startup-handshake.ts); null when the connection ended there. */
  private async readStartup(): Promise<Extract<StartupPacket, { kind: "startup" }> & { inbox: FrameInbox } | null> {
    const outcome = await runStartupHandshake(this.socket as net.Socket, {
      tls: this.gw.tls,
      maxMessageBytes: this.gw.limits.maxMessageBytes,
      allowance: this.allowance,
      log: this.log,
      describeEnd: () => new ClientGone("client went away"),
      enterPhase: (phase) => {
        if (this.phase !== "closing") this.phase = phase;
      },
      adoptSecureSocket: (secure) => this.adoptSecureSocket(secure),
    });
    switch (outcome.kind) {
      case "cancel":
        await this.forwardCancel(outcome.processId, outcome.secretKey);
        this.close("cancel_request");
        return null;
      case "dropped":
        if (outcome.farewell && !this.socket.destroyed) this.socket.write(outcome.farewell);
        this.close(outcome.reason);
        return null;
      case "startup":
        return { ...outcome.packet, inbox: outcome.inbox };
    }
  }

  /** From the TLS handshake on, the client is the TLS socket: writes, errors and its close go through it. */
  private adoptSecureSocket(secure: tls.TLSSocket) {
    this.socket = secure;
    this.isTls = true;
    secure.on("error", () => {});
    secure.once("close", () => this.close(this.clientGoneReason()));
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
    // A password is sent in the clear inside the connection: without TLS only when the setting says so, and only from this host.
    if (!this.isTls && !(this.gw.allowPlaintextPasswords === "loopback" && isLoopback(this.clientAddress))) {
      throw ClientError.fatal(SqlState.InvalidAuthorizationSpecification, "the Warden gateway accepts passwords only over TLS", {
        hint: "Connect with sslmode=require.",
      });
    }
    this.socket.write(authenticationCleartextPassword());
    const { code, frame } = await inbox.next(this.gw.limits.startupTimeoutMs, "the password");
    if (code !== FrontendCode.Password) throw protocolViolation(`expected a password message, got message type ${String.fromCharCode(code)}`);
    const password = decodePassword(frame);
    const passwordAt = Date.now();

    // The throttle comes first: a refused attempt's password is never checked.
    const attempt = await this.gw.signInGuard.admit(this.clientAddress);
    if (this.phase !== "auth") return attempt.finish({ kind: "unchecked" });
    if (!attempt.isAdmitted) {
      await this.refuseSignIn(attempt, passwordAt, userName, database, new SignInRefused("throttled", "too many sign-in attempts from this address: refused before the password was checked"));
      return;
    }
    let identity: Identity;
    try {
      identity = await this.gw.authenticator.authenticate({ userName, database, password });
    } catch (err) {
      if (err instanceof SignInRefused) {
        await this.refuseSignIn(attempt, passwordAt, userName, database, err);
        return;
      }
      attempt.finish({ kind: "unchecked" });
      if (err instanceof StoreUnreachable) {
        // Not a failed sign-in: nothing is throttled or audited, and the client is told to try again.
        this.log.warn("sign-in refused: the store is unreachable", { user: userName, database, error: err.storeError });
        this.close("store_unreachable", err);
        return;
      }
      throw err;
    }
    attempt.finish({ kind: "signed_in" });
    this.identity = identity;
    // As PostgreSQL does, `options` is read once the client is known; what it cannot read is refused.
    const planned = planStartupSettings(parameters);
    if (!planned.isValid) throw ClientError.fatal(planned.error.sqlState, planned.error.message, { hint: planned.error.hint });
    const { plan } = planned;
    const applicationName = plan.applicationName || null;
    this.info = {
      id: this.id,
      userName: identity.userName,
      tokenId: identity.tokenId,
      tokenMintedBy: identity.tokenMintedBy,
      actorKind: identity.actorKind,
      agentName: identity.agentName ?? (identity.actorKind === "agent" ? applicationName : null),
      groups: identity.groups,
      authMethod: identity.authMethod,
      connection: { id: identity.connection.id, name: identity.connection.name },
      applicationName,
      clientAddress: this.clientAddress,
    };

    await this.judgeStartupSettings(identity, plan.settings);
    if (this.phase !== "auth") return;

    this.phase = "upstream";
    const upstreamParameters = this.info.isReadOnly ? readOnlyUpstreamParameters(plan.upstreamParameters) : plan.upstreamParameters;
    const upstream = await this.connectUpstream(identity, upstreamParameters);
    if (this.phase !== "upstream") {
      upstream.socket.destroy();
      return;
    }
    this.upstream = upstream;
    upstream.socket.on("error", () => {});
    upstream.socket.on("close", () => this.close(this.relay?.isTerminating ? END_REASONS.clientTerminated : END_REASONS.upstreamClosed));
    // The session as the server set it up (the role's own defaults included) must read SQL as Warden does.
    for (const name of ["client_encoding", "standard_conforming_strings"]) {
      const value = upstream.parameters.get(name);
      const why = value === undefined ? null : unreadableSetting(name, value);
      if (why) {
        this.log.warn("sign-in refused: the upstream session reads SQL differently from Warden", { connectionName: identity.connection.name, reason: why });
        throw ClientError.fatal(SqlState.FeatureNotSupported, `Warden cannot relay this session: as the server set it up, ${why}`, { hint: "Ask an admin to remove that default from the connection's database role." });
      }
    }
    // PostgreSQL 14 and later report it: a read-only session must start read-only.
    const readOnlyChange = this.info.isReadOnly ? readOnlyTurnedOff(upstream.parameters.get(READ_ONLY_SETTING)) : null;
    if (readOnlyChange) throw readOnlyTurnedOffError(readOnlyChange);

    await this.recordStart(identity, `3.${effectiveMinor}`, plan.settings);
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

  /**
   * A refused sign-in, whatever the reason (an unknown, revoked, expired or someone else's token, a
   * database that does not exist, a group not allowed, a JWT that does not verify, the throttle):
   * counted by the guard (the audit trail gets the reason, summed per address and minute), logged,
   * and answered alike, at the same moment after the password arrived.
   */
  private async refuseSignIn(attempt: SignInAttempt, passwordAt: number, userName: string, database: string, refusal: SignInRefused) {
    attempt.finish({ kind: "failed", userName, database, reason: refusal.reason });
    // A flood's throttled attempts are summed in the audit trail; one log line each would be the flood again.
    const fields = { user: userName, database, reason: refusal.reason, detail: refusal.detail };
    if (refusal.reason === "throttled") this.log.debug("sign-in refused", fields);
    else this.log.info("sign-in refused", fields);
    const wait = passwordAt + this.gw.failureAnswerMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.close("sign_in_failed", authenticationFailed(userName));
  }

  /**
   * Every setting asked for at sign-in (startup parameters and `options`), judged by the policy as the
   * SET statement it stands for; the first refused one ends the sign-in with a FATAL that names it.
   * Settings the policy allows go to the server, which validates them and answers for itself. Asked
   * even without settings: the session's policy is read before the session starts.
   */
  private async judgeStartupSettings(identity: Identity, settings: readonly StartupSetting[]) {
    const decide = this.gw.hooks.decideStartupSettings;
    if (!decide) return;
    const decision = await decide(this.info!, settings);
    if (decision.action === "allow") {
      if (decision.isReadOnly) this.info!.isReadOnly = true;
      return;
    }
    const s = decision.setting;
    if (!s) {
      this.log.warn("sign-in refused: the policy cannot be read", { user: identity.userName, sqlState: decision.sqlState, reason: decision.reason });
      throw ClientError.fatal(decision.sqlState, decision.message);
    }
    const given = s.source === "options" ? `"${s.given}" in the startup options` : `the startup parameter "${s.given}"`;
    this.gw.recorder.recordEvent({
      actor: identity.userName,
      action: "gateway.sign_in.refused",
      targetType: "connection",
      targetId: identity.connection.id,
      targetName: identity.connection.name,
      details: { clientAddress: this.clientAddress, setting: s.name, value: s.value, source: s.source, sqlState: decision.sqlState, reason: decision.reason },
    });
    this.log.info("sign-in refused: a startup setting is not allowed", { user: identity.userName, setting: s.name, source: s.source, reason: decision.reason });
    throw ClientError.fatal(decision.sqlState, `Warden refuses the setting "${s.name}" asked for at sign-in: ${decision.message}`, {
      detail: `Asked for as ${given}; judged as ${settingStatement(s)}.`,
      hint: "Connect without this setting.",
    });
  }

  private async connectUpstream(identity: Identity, forwarded: Record<string, string>): Promise<UpstreamConnection> {
    const c = identity.connection;
    let target;
    try {
      target = upstreamTargetOf(this.gw.secretKey, c);
    } catch (err) {
      if (!(err instanceof StoredSecretUnreadable)) throw err;
      this.log.error("stored credential cannot be decrypted", { connectionName: c.name, error: err.message });
      throw ClientError.fatal(SqlState.UnableToConnect, `Warden cannot use the stored credential of connection "${c.name}"; ask an admin to save it again`);
    }
    try {
      return await connectUpstream(target, forwarded, { timeoutMs: this.gw.limits.upstreamTimeoutMs, maxMessageBytes: Number.MAX_SAFE_INTEGER });
    } catch (err) {
      // Classified by type and SQLSTATE, never by the wording of a message.
      if (err instanceof UpstreamRefused && !err.isCatalogProblem) {
        // The server refused the session asked for (a setting's value, a full server, a shutdown):
        // the client reads the server's own error, as it would directly.
        this.log.info("upstream refused the session", { connectionName: c.name, sqlState: err.sqlState, error: err.message });
        throw ClientError.fatal(err.sqlState, err.message, err.extra);
      }
      if (err instanceof UpstreamAuthRejected) {
        // The gateway ended its own sign-in (the credential would have gone without TLS, or the
        // server did not prove itself). 08001: the gateway's connection failed; not 28xxx, which
        // would tell the client its own token was wrong.
        this.log.warn("upstream sign-in refused by the gateway", { connectionName: c.name, sqlState: err.sqlState, sslmode: c.sslmode, error: err.message });
        this.gw.recorder.recordEvent({
          actor: identity.userName,
          action: "gateway.upstream.sign_in_refused",
          targetType: "connection",
          targetId: c.id,
          targetName: c.name,
          details: { clientAddress: this.clientAddress, sslmode: c.sslmode, sqlState: err.sqlState, reason: err.message },
        });
        throw ClientError.fatal(SqlState.UnableToConnect, `Warden could not connect to connection "${c.name}": ${err.message}`, {
          hint: "An admin can fix this on the connection in the console (sslmode, CA certificate, or the server's authentication method).",
        });
      }
      if (err instanceof UpstreamRefused || err instanceof UpstreamUnreachable) {
        this.log.warn("upstream connection failed", { connectionName: c.name, sqlState: err.sqlState, error: err.message });
        const sqlState = err instanceof UpstreamUnreachable ? err.sqlState : SqlState.UnableToConnect;
        throw ClientError.fatal(sqlState, `Warden could not connect to connection "${c.name}": ${err.message}`);
      }
      throw err;
    }
  }

  /** How the gateway signed in upstream, for the session's audit event (never the credential). */
  private upstreamAuthRecord() {
    const auth = this.upstream?.auth;
    if (!auth) return null;
    return { method: auth.method, sslmode: this.identity?.connection.sslmode ?? null, tls: auth.tls ? { version: auth.tls.version, cipher: auth.tls.cipher, isVerified: auth.tls.isVerified } : null };
  }

  private async recordStart(identity: Identity, protocolVersion: string, settings: readonly StartupSetting[]) {
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
          tokenMintedBy: identity.tokenMintedBy,
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
          details: {
            actorKind: identity.actorKind,
            agentName: info.agentName,
            authMethod: identity.authMethod,
            tokenId: identity.tokenId,
            tokenMintedBy: identity.tokenMintedBy,
            clientAddress: this.clientAddress,
            applicationName: info.applicationName,
            settings: settings.map((s) => ({ name: s.name, value: s.value, source: s.source })),
            upstreamAuth: this.upstreamAuthRecord(),
          },
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
