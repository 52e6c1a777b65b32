import { createHash } from "node:crypto";
import type { Duplex } from "node:stream";
import type { AuthenticationMD5Password, BackendMessage, DatabaseError } from "pg-protocol/dist/messages";
import { serialize } from "pg-protocol";
import { decodeBackendFrame, decodeBackendKeyData } from "../protocol/backend-decoders";
import { ClientError } from "../protocol/client-error";
import { FrameInbox, type Frame } from "../protocol/frame-inbox";
import { FrameReader } from "../protocol/frame-reader";
import { startupMessage, saslResponse } from "../protocol/frontend-serializers";
import { AuthRequest, BackendCode, ProtocolVersion } from "../protocol/message-codes";
import { judgePasswordChallenge, PasswordChallenge, type UpstreamAuthMethod } from "@/lib/shared/upstream-credential";
import { ChannelBindingUnsupported, tlsServerEndPoint } from "./channel-binding";
import { openTransport, UpstreamUnreachable, type TlsInfo, type TransportTarget } from "./open-transport";
import { chooseScramMechanism, createScramClient, ScramError, ScramMechanism, type ScramClient } from "./scram-client";

export type UpstreamTarget = TransportTarget & {
  database: string;
  username: string;
  password?: string;
  /** The admin's opt-in to answer an MD5 challenge without TLS. */
  allowMd5WithoutTls?: boolean;
};

/** How the sign-in went, for the session's record and the console's Test connection. */
export type UpstreamAuthResult = { method: UpstreamAuthMethod; tls: TlsInfo | null };

export type UpstreamConnection = {
  socket: Duplex;
  reader: FrameReader;
  /** Frames the server sent after ReadyForQuery before the relay took over (normally none). */
  early: Frame[];
  /** ParameterStatus frames, passed on to the client as they are. */
  parameterStatus: Buffer[];
  parameters: Map<string, string>;
  backendKey: { processId: number; secretKey: Buffer } | null;
  transactionStatus: string;
  isTls: boolean;
  auth: UpstreamAuthResult;
};

/** The upstream refused the connection: carries the server's own SQLSTATE, message, detail and hint. */
export class UpstreamRefused extends Error {
  override name = "UpstreamRefused";
  constructor(
    public readonly sqlState: string,
    message: string,
    public readonly extra: { detail?: string; hint?: string } = {},
  ) {
    super(message);
  }

  /**
   * The server refused the gateway's own credential or database (28xxx, 3D000): the catalog entry is
   * wrong, which the client cannot fix. Other refusals are about the session the client asked for
   * (a setting's value, too many connections, a shutdown) and are the client's to read as they are.
   */
  get isCatalogProblem(): boolean {
    return this.sqlState.startsWith("28") || this.sqlState === "3D000";
  }
}

/**
 * The gateway itself ended the sign-in because the server's request would expose the stored
 * credential (cleartext or MD5 without TLS), dropped channel binding, or did not prove it knows the
 * password. `sqlState` is 28000 (invalid_authorization_specification) or 08P01 (protocol_violation);
 * the client is told 08001, like any other failure of the gateway's own connection.
 */
export class UpstreamAuthRejected extends Error {
  override name = "UpstreamAuthRejected";
  constructor(
    readonly sqlState: "28000" | "08P01",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Connects and signs in to the upstream server with the stored credential: SCRAM-SHA-256-PLUS
 * (with TLS, when offered), SCRAM-SHA-256, MD5 or cleartext, as the server asks. The password goes
 * in cleartext only inside TLS, MD5 without TLS only where the connection allows it, and SCRAM
 * ends only when the server proved it knows the password (AuthenticationSASLFinal). The password
 * appears in no error message.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export async function connectUpstream(
  target: UpstreamTarget,
  startupParameters: Record<string, string>,
  opts: { timeoutMs: number; maxMessageBytes: number },
): Promise<UpstreamConnection> {
  const { socket, isTls, tls } = await openTransport(target, opts.timeoutMs);
  const reader = new FrameReader({ maxMessageBytes: opts.maxMessageBytes, side: "backend" });
  const inbox = new FrameInbox(socket, reader, () => new UpstreamUnreachable("the server closed the connection during sign-in", "08006"));
  socket.resume();
  try {
    socket.write(startupMessage(ProtocolVersion.V3_0, { ...withoutReserved(startupParameters), user: target.username, database: target.database }));
    const parameterStatus: Buffer[] = [];
    const parameters = new Map<string, string>();
    let backendKey: UpstreamConnection["backendKey"] = null;
    let scram: ScramClient | undefined;
    let method: UpstreamAuthMethod | undefined;
    let isSignedIn = false;
    for (;;) {
      const { code, frame } = await inbox.next(opts.timeoutMs, "the upstream server's sign-in messages");
      switch (code) {
        case BackendCode.Authentication: {
          const kind = frame.readInt32BE(5);
          const password = target.password ?? "";
          if (kind === AuthRequest.Ok) {
            // AuthenticationOk straight after our proof, without AuthenticationSASLFinal, is a
            // server (or a man in the middle) that never proved it knows the password.
            if (scram && !scram.isServerVerified) throw new UpstreamAuthRejected("28000", "the server ended SCRAM without proving it knows the password (no server signature)");
            method ??= "trust";
            isSignedIn = true;
          } else if (isSignedIn) {
            throw new UpstreamAuthRejected("08P01", "the server asked for authentication after AuthenticationOk");
          } else if (kind === AuthRequest.CleartextPassword || kind === AuthRequest.MD5Password) {
            if (method) throw new UpstreamAuthRejected("08P01", "the server asked for a password a second time");
            const challenge = kind === AuthRequest.CleartextPassword ? PasswordChallenge.Cleartext : PasswordChallenge.Md5;
            // Decided before a byte of the answer is written.
            const verdict = judgePasswordChallenge(challenge, { isTls, allowMd5WithoutTls: target.allowMd5WithoutTls ?? false });
            if (!verdict.ok) throw new UpstreamAuthRejected("28000", verdict.reason);
            method = verdict.method;
            if (challenge === PasswordChallenge.Cleartext) socket.write(serialize.password(password));
            else socket.write(serialize.password(md5Password(target.username, password, decodeBackendFrame<AuthenticationMD5Password>(frame).salt)));
          } else if (kind === AuthRequest.SASL && !scram && !method) {
            const mechanisms = frame.toString("utf8", 9, frame.length).split("\0").filter(Boolean);
            const mechanism = chooseScramMechanism(mechanisms, isTls);
            scram = createScramClient(password, {
              mechanism,
              isTls,
              channelBinding: mechanism === ScramMechanism.Sha256Plus ? tlsServerEndPoint(requirePeerCertificate(tls)) : undefined,
            });
            method = mechanism === ScramMechanism.Sha256Plus ? "scram-sha-256-plus" : "scram-sha-256";
            socket.write(serialize.sendSASLInitialResponseMessage(mechanism, scram.clientFirst()));
          } else if (kind === AuthRequest.SASLContinue && scram) {
            socket.write(saslResponse(await scram.clientFinal(frame.toString("utf8", 9))));
          } else if (kind === AuthRequest.SASLFinal && scram) {
            scram.verifyServerFinal(frame.toString("utf8", 9));
          } else {
            throw new UpstreamAuthRejected("28000", `the server asks for an authentication method the gateway does not support, or out of order (code ${kind})`);
          }
          break;
        }
        case BackendCode.ParameterStatus: {
          parameterStatus.push(frame);
          const m = decodeBackendFrame<BackendMessage & { parameterName: string; parameterValue: string }>(frame);
          parameters.set(m.parameterName, m.parameterValue);
          break;
        }
        case BackendCode.BackendKeyData:
          backendKey = decodeBackendKeyData(frame);
          break;
        case BackendCode.NegotiateProtocolVersion:
        case BackendCode.NoticeResponse:
          break;
        case BackendCode.ErrorResponse: {
          const e = decodeBackendFrame<DatabaseError>(frame);
          throw new UpstreamRefused(e.code ?? "08001", e.message, { detail: e.detail, hint: e.hint });
        }
        case BackendCode.ReadyForQuery: {
          const early = inbox.detach();
          // ReadyForQuery without AuthenticationOk would skip every check above.
          if (!isSignedIn || !method) throw new UpstreamAuthRejected("08P01", "the server reported ready before the sign-in completed");
          return { socket, reader, early, parameterStatus, parameters, backendKey, transactionStatus: String.fromCharCode(frame[5]), isTls, auth: { method, tls } };
        }
        default:
          throw new UpstreamUnreachable(`unexpected message ${String.fromCharCode(code)} from the server during sign-in`);
      }
    }
  } catch (err) {
    inbox.detach();
    socket.destroy();
    throw asUpstreamError(err, opts.timeoutMs);
  }
}

/** Who the gateway signs in as, and the replication and protocol switches, are never the client's to set. */
function withoutReserved(parameters: Record<string, string>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(parameters)) if (k !== "user" && k !== "database" && k !== "replication" && !k.startsWith("_pq_.")) out[k] = v;
  return out;
}

/** A socket failure or a timeout during sign-in, worded as the upstream's failure rather than the client's. */
function asUpstreamError(err: unknown, timeoutMs: number): unknown {
  if (err instanceof UpstreamRefused || err instanceof UpstreamUnreachable || err instanceof UpstreamAuthRejected) return err;
  if (err instanceof ScramError) return new UpstreamAuthRejected(err.sqlState, err.message);
  if (err instanceof ChannelBindingUnsupported) return new UpstreamAuthRejected("28000", `channel binding is not possible: ${err.message}`);
  if (err instanceof ClientError) return new UpstreamUnreachable(`the server did not finish signing in within ${timeoutMs} ms`);
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return new UpstreamUnreachable(`the connection failed during sign-in (${code})`, "08006");
  return err;
}

function requirePeerCertificate(tls: TlsInfo | null): Buffer {
  if (!tls?.peerCertificate?.length) throw new UpstreamAuthRejected("28000", "the server offers SCRAM-SHA-256-PLUS but presented no certificate to bind to");
  return tls.peerCertificate;
}

/** "md5" + md5(md5(password + user) + salt), as AuthenticationMD5Password asks. */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash("md5").update(password + user).digest("hex");
  return "md5" + createHash("md5").update(Buffer.concat([Buffer.from(inner), salt])).digest("hex");
}
