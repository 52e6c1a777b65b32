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
import { openTransport, UpstreamUnreachable, type TransportTarget } from "./open-transport";
import { createScramClient, SCRAM_SHA_256 } from "./scram-client";

export type UpstreamTarget = TransportTarget & { database: string; username: string; password?: string };

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
 * Connects and signs in to the upstream server with the stored credential: SCRAM-SHA-256, MD5 or
 * cleartext, whichever the server asks for. The password goes only to the server, inside TLS when
 * the sslmode asks for it, and appears in no error message.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export async function connectUpstream(
  target: UpstreamTarget,
  startupParameters: Record<string, string>,
  opts: { timeoutMs: number; maxMessageBytes: number },
): Promise<UpstreamConnection> {
  const { socket, isTls } = await openTransport(target, opts.timeoutMs);
  const reader = new FrameReader({ maxMessageBytes: opts.maxMessageBytes, side: "backend" });
  const inbox = new FrameInbox(socket, reader, () => new UpstreamUnreachable("the server closed the connection during sign-in", "08006"));
  socket.resume();
  try {
    socket.write(startupMessage(ProtocolVersion.V3_0, { ...withoutReserved(startupParameters), user: target.username, database: target.database }));
    const parameterStatus: Buffer[] = [];
    const parameters = new Map<string, string>();
    let backendKey: UpstreamConnection["backendKey"] = null;
    let scram: ReturnType<typeof createScramClient> | undefined;
    for (;;) {
      const { code, frame } = await inbox.next(opts.timeoutMs, "the upstream server's sign-in messages");
      switch (code) {
        case BackendCode.Authentication: {
          const kind = frame.readInt32BE(5);
          const password = target.password ?? "";
          if (kind === AuthRequest.Ok) break;
          if (kind === AuthRequest.CleartextPassword) {
            socket.write(serialize.password(password));
          } else if (kind === AuthRequest.MD5Password) {
            const { salt } = decodeBackendFrame<AuthenticationMD5Password>(frame);
            socket.write(serialize.password(md5Password(target.username, password, salt)));
          } else if (kind === AuthRequest.SASL) {
            const mechanisms = frame.toString("utf8", 9, frame.length).split("\0").filter(Boolean);
            if (!mechanisms.includes(SCRAM_SHA_256)) throw new UpstreamRefused("28000", `the server offers only ${mechanisms.join(", ")}, which the gateway does not support`);
            scram = createScramClient(password);
            socket.write(serialize.sendSASLInitialResponseMessage(SCRAM_SHA_256, scram.clientFirst()));
          } else if (kind === AuthRequest.SASLContinue && scram) {
            socket.write(saslResponse(scram.clientFinal(frame.toString("utf8", 9))));
          } else if (kind === AuthRequest.SASLFinal && scram) {
            scram.verifyServerFinal(frame.toString("utf8", 9));
          } else {
            throw new UpstreamRefused("28000", `the server asks for an authentication method the gateway does not support (code ${kind})`);
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
          return { socket, reader, early, parameterStatus, parameters, backendKey, transactionStatus: String.fromCharCode(frame[5]), isTls };
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
  if (err instanceof UpstreamRefused || err instanceof UpstreamUnreachable) return err;
  if (err instanceof ClientError) return new UpstreamUnreachable(`the server did not finish signing in within ${timeoutMs} ms`);
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return new UpstreamUnreachable(`the connection failed during sign-in (${code})`, "08006");
  return err;
}

/** "md5" + md5(md5(password + user) + salt), as AuthenticationMD5Password asks. */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash("md5").update(password + user).digest("hex");
  return "md5" + createHash("md5").update(Buffer.concat([Buffer.from(inner), salt])).digest("hex");
}
