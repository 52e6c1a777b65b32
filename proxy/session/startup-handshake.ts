import type net from "node:net";
import type { Duplex } from "node:stream";
import type tls from "node:tls";
import type { Logger } from "../log";
import { singleByte } from "../protocol/backend-messages";
import { ClientError, protocolViolation } from "../protocol/client-error";
import { FrameInbox, InboxTimeout } from "../protocol/frame-inbox";
import { FrameReader } from "../protocol/frame-reader";
import { SqlState } from "../protocol/sql-state";
import { decodeStartupPacket, UnansweredStartup, unsupportedProtocolAnswer, type StartupPacket } from "../protocol/startup-packet";
import { acceptTls, POSTGRESQL_ALPN } from "../tls/accept-tls";
import type { GatewayTls } from "../tls/load-gateway-tls";
import { END_REASONS } from "./phases";

export type StartupMessage = Extract<StartupPacket, { kind: "startup" }>;

/** What a new connection starts with: one deadline for its whole startup, and whether it has a place. */
export type StartupAllowance = {
  /** Epoch ms by which every startup packet, the TLS handshake and the password must have arrived. */
  deadline: number;
  /** Whether the connection fits under GATEWAY_MAX_CONNECTIONS; asked only once a StartupMessage is read. Never rejects. */
  hasPlace: Promise<boolean>;
};

export type StartupHandshakeOptions = {
  tls: GatewayTls | null;
  maxMessageBytes: number;
  allowance: StartupAllowance;
  log: Logger;
  /** The error a read fails with when the client goes away (the session's own, so it recognizes it later too). */
  describeEnd: () => Error;
  /** The connection's phase while the handshake runs: `tls` during a TLS handshake, `startup` otherwise. */
  enterPhase: (phase: "startup" | "tls") => void;
  /** Called once TLS is up: from then on everything, errors included, goes through `secure`. */
  adoptSecureSocket: (secure: tls.TLSSocket) => void;
};

export type StartupOutcome =
  /** A StartupMessage, with the inbox that reads the client's next messages (its deadline still running). */
  | { kind: "startup"; packet: StartupMessage; inbox: FrameInbox }
  | { kind: "cancel"; processId: number; secretKey: Buffer }
  /** Closed as PostgreSQL closes it at this point: without an ErrorResponse (`farewell`: bytes to send first, if any). */
  | { kind: "dropped"; reason: string; detail: string; farewell?: Buffer };

/** The first byte of a TLS handshake record; no startup packet starts with it (it would claim hundreds of megabytes). */
const TLS_HANDSHAKE_RECORD = 0x16;

/**
 * The startup phase of a client connection, up to its StartupMessage or CancelRequest, as
 * PostgreSQL 17+ runs it (ProcessSSLStartup and ProcessStartupPacket in backend_startup.c):
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 *
 * - Direct TLS (`sslnegotiation=direct`): a TLS ClientHello as the very first bytes, which must
 *   negotiate ALPN `postgresql`; without TLS configured, or without that ALPN, the connection is
 *   closed without a word.
 * - SSLRequest (answered 'S' with TLS, 'N' without) and GSSENCRequest (always 'N') at most once
 *   each, and neither once TLS is up; bytes sent after an SSLRequest before the handshake are
 *   refused (CVE-2021-23214).
 * - Garbage (an invalid length, a broken CancelRequest) closes the connection without an answer; an
 *   unsupported protocol version gets PostgreSQL's FATAL; a malformed StartupMessage a FATAL 08P01.
 * - One deadline for all of it (the inbox handed on keeps it for the password); a client that misses
 *   it before its StartupMessage is complete is dropped, as PostgreSQL drops it.
 * - A StartupMessage on a connection that has no place under GATEWAY_MAX_CONNECTIONS gets
 *   PostgreSQL's FATAL 53300 "sorry, too many clients already": after TLS, so the client reads it.
 */
export async function runStartupHandshake(raw: net.Socket, opts: StartupHandshakeOptions): Promise<StartupOutcome> {
  const { deadline } = opts.allowance;
  let socket: Duplex = raw;
  let isEncrypted = false;
  let hasAskedSsl = false;
  let hasAskedGssenc = false;

  const first = await peekFirstByte(raw, deadline);
  if (first === "ended") return { kind: "dropped", reason: END_REASONS.clientDisconnected, detail: "the client closed the connection before sending anything" };
  if (first === "timeout") return dropped(opts, "startup_timeout", "no startup packet before the startup deadline");
  if (first === TLS_HANDSHAKE_RECORD) {
    if (!opts.tls) return dropped(opts, END_REASONS.protocolViolation, "direct TLS connection refused: the gateway has no TLS configured");
    opts.enterPhase("tls");
    const secured = await acceptTls(raw, opts.tls.context, deadline);
    if (secured.kind === "failed") return dropped(opts, END_REASONS.protocolViolation, `direct TLS connection refused: ${secured.reason}`);
    if (secured.socket.alpnProtocol !== POSTGRESQL_ALPN) {
      secured.socket.destroy();
      return dropped(opts, END_REASONS.protocolViolation, "received direct TLS connection request without ALPN protocol negotiation extension");
    }
    opts.adoptSecureSocket(secured.socket);
    opts.enterPhase("startup");
    socket = secured.socket;
    isEncrypted = true;
  }

  const newInbox = () => new FrameInbox(socket, new FrameReader({ maxMessageBytes: opts.maxMessageBytes, isStartup: true }), opts.describeEnd, deadline);
  let inbox = newInbox();
  // peekFirstByte paused the socket to put the bytes back; now that the inbox listens, they flow to it first.
  if (!isEncrypted) raw.resume();
  for (;;) {
    let packet: StartupPacket;
    try {
      const { frame } = await inbox.next(Number.POSITIVE_INFINITY, "the startup packet");
      packet = decodeStartupPacket(frame);
    } catch (err) {
      if (err instanceof InboxTimeout) return dropped(opts, "startup_timeout", "no complete startup packet before the startup deadline");
      if (err instanceof UnansweredStartup) return dropped(opts, END_REASONS.protocolViolation, err.message);
      // A reset or broken pipe before the startup packet: the client went away, nothing went wrong here.
      if (isSocketError(err)) return { kind: "dropped", reason: END_REASONS.clientDisconnected, detail: (err as Error).message };
      throw err;
    }
    switch (packet.kind) {
      case "gssenc":
        // GSSAPI encryption is not offered; libpq then tries TLS or plain.
        if (hasAskedGssenc || isEncrypted) throw protocolViolation(isEncrypted ? "GSSENCRequest received on an encrypted connection" : "GSSENCRequest received twice");
        hasAskedGssenc = true;
        socket.write(singleByte("N"));
        continue;
      case "ssl":
        if (hasAskedSsl || isEncrypted) throw protocolViolation(isEncrypted ? "SSLRequest received on an encrypted connection" : "SSLRequest received twice");
        hasAskedSsl = true;
        if (!opts.tls) {
          socket.write(singleByte("N"));
          continue;
        }
        // Bytes sent after SSLRequest but before the handshake would be trusted plaintext (CVE-2021-23214).
        if (inbox.reader.bufferedBytes > 0 || inbox.detach().length > 0) {
          throw ClientError.fatal(SqlState.ProtocolViolation, "received unencrypted data after SSL request", {
            detail: "This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.",
          });
        }
        opts.enterPhase("tls");
        socket.write(singleByte("S"));
        {
          // Through SSLRequest, ALPN is optional (older clients do not send it); one offered must be `postgresql`.
          const secured = await acceptTls(raw, opts.tls.context, deadline);
          if (secured.kind === "failed") return dropped(opts, END_REASONS.protocolViolation, secured.reason);
          opts.adoptSecureSocket(secured.socket);
          socket = secured.socket;
        }
        opts.enterPhase("startup");
        isEncrypted = true;
        inbox = newInbox();
        continue;
      case "cancel":
        inbox.detach();
        return packet;
      case "unsupported": {
        const answer = unsupportedProtocolAnswer(packet.version);
        if (answer instanceof ClientError) throw answer;
        return dropped(opts, END_REASONS.protocolViolation, `unsupported frontend protocol ${packet.version >>> 16}.${packet.version & 0xffff}`, answer.legacyError);
      }
      case "startup":
        if (!(await opts.allowance.hasPlace)) {
          inbox.detach();
          opts.log.info("connection refused: the gateway has as many clients as GATEWAY_MAX_CONNECTIONS allows");
          throw ClientError.fatal(SqlState.TooManyConnections, "sorry, too many clients already");
        }
        inbox.reader.isStartup = false;
        return { kind: "startup", packet, inbox };
    }
  }
}

function isSocketError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === "string";
}

/** A connection closed without an answer: logged, as PostgreSQL logs it, for whoever wonders why a client saw the socket close. */
function dropped(opts: StartupHandshakeOptions, reason: string, detail: string, farewell?: Buffer): StartupOutcome {
  opts.log.info("connection closed during startup", { reason: detail });
  return { kind: "dropped", reason, detail, farewell };
}

/**
 * Waits for the connection's first bytes and puts them back (the socket is left paused): whether
 * they open a TLS handshake decides how they are read. "ended" when the client left first.
 */
function peekFirstByte(socket: net.Socket, deadline: number): Promise<number | "ended" | "timeout"> {
  return new Promise((resolve) => {
    const settle = (v: number | "ended" | "timeout") => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onEnd);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      settle(chunk[0]);
    };
    const onEnd = () => settle("ended");
    const timer = setTimeout(() => settle("timeout"), Math.max(0, deadline - Date.now()));
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onEnd);
  });
}
