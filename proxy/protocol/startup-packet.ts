import { ClientError } from "./client-error";
import { NEWEST_MINOR_VERSION, StartupRequestCode } from "./message-codes";
import { SqlState } from "./sql-state";

/**
 * The first packet on a connection (no type byte): StartupMessage, SSLRequest, GSSENCRequest or
 * CancelRequest. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE
 *
 * Read as PostgreSQL's ProcessStartupPacket reads it (src/backend/tcop/backend_startup.c), so a
 * client meets the same answers through the gateway: a packet PostgreSQL closes without a word
 * is `UnansweredStartup`, one it answers with a FATAL is a ClientError.
 */
export type StartupPacket =
  | { kind: "ssl" }
  | { kind: "gssenc" }
  | { kind: "cancel"; processId: number; secretKey: Buffer }
  /** A protocol version other than 3.x: refused, in the format that version can read (`unsupportedProtocolAnswer`). */
  | { kind: "unsupported"; version: number }
  | {
      kind: "startup";
      /** major << 16 | minor */
      version: number;
      parameters: Map<string, string>;
      /** `_pq_.*` protocol options the client asked for. */
      protocolOptions: string[];
    };

/**
 * A first packet PostgreSQL closes the connection on without answering (it only logs the problem):
 * an invalid length, a malformed CancelRequest. A client that sent garbage, or a port scanner, then
 * sees the connection close, as it would with PostgreSQL, rather than an error to surface.
 */
export class UnansweredStartup extends Error {
  override name = "UnansweredStartup";
}

/** Cancel keys: 4 bytes in protocol 3.0, up to 256 in 3.2. */
const MIN_CANCEL_KEY_BYTES = 4;
const MAX_CANCEL_KEY_BYTES = 256;

/** `frame` is the whole packet, its length word included (as FrameReader hands it out). */
export function decodeStartupPacket(frame: Buffer): StartupPacket {
  const code = frame.readInt32BE(4);
  switch (code) {
    // PostgreSQL looks only at the code of these two, not at any bytes after it.
    case StartupRequestCode.SSLRequest:
      return { kind: "ssl" };
    case StartupRequestCode.GSSENCRequest:
      return { kind: "gssenc" };
    case StartupRequestCode.CancelRequest: {
      const keyBytes = frame.length - 12;
      if (keyBytes < MIN_CANCEL_KEY_BYTES || keyBytes > MAX_CANCEL_KEY_BYTES) throw new UnansweredStartup("invalid length of cancel request packet");
      return { kind: "cancel", processId: frame.readInt32BE(8), secretKey: Buffer.from(frame.subarray(12)) };
    }
  }
  if (code >>> 16 !== 3) return { kind: "unsupported", version: code >>> 0 };
  const { parameters, protocolOptions } = decodeParameters(frame.subarray(8));
  return { kind: "startup", version: code, parameters, protocolOptions };
}

/**
 * Name/value pairs, each a C string, ended by an empty name which must be the packet's last byte.
 * As PostgreSQL: a missing value or terminator is reported once, as a layout error.
 */
function decodeParameters(body: Buffer): { parameters: Map<string, string>; protocolOptions: string[] } {
  const parameters = new Map<string, string>();
  const protocolOptions: string[] = [];
  const stringEnd = (from: number) => {
    const end = body.indexOf(0, from);
    return end < 0 ? body.length : end;
  };
  let offset = 0;
  while (offset < body.length) {
    if (body[offset] === 0) break;
    const nameEnd = stringEnd(offset);
    const valueStart = nameEnd + 1;
    if (valueStart >= body.length) break;
    const name = body.toString("utf8", offset, nameEnd);
    const valueEnd = stringEnd(valueStart);
    const value = body.toString("utf8", valueStart, valueEnd);
    if (name.startsWith("_pq_.")) protocolOptions.push(name);
    else parameters.set(name, value);
    offset = valueEnd + 1;
  }
  if (offset !== body.length - 1) {
    throw ClientError.fatal(SqlState.ProtocolViolation, "invalid startup packet layout: expected terminator as last byte");
  }
  return { parameters, protocolOptions };
}

/**
 * PostgreSQL's answer to a StartupMessage of a protocol it does not speak. A client asking for a
 * newer major version gets a protocol 3 ErrorResponse (0A000). One asking for an older one (1.x,
 * 2.x) could not read that: PostgreSQL still sends it the old format, 'E' and one line of text with
 * no length word, so the client can say why. Either way the connection then closes.
 */
export function unsupportedProtocolAnswer(version: number): ClientError | { legacyError: Buffer } {
  const major = version >>> 16;
  const message = `unsupported frontend protocol ${major}.${version & 0xffff}: server supports 3.0 to 3.${NEWEST_MINOR_VERSION}`;
  if (major > 3) return ClientError.fatal(SqlState.FeatureNotSupported, message);
  return { legacyError: Buffer.concat([Buffer.from("E", "latin1"), Buffer.from(`FATAL:  ${message}\n\0`, "utf8")]) };
}
