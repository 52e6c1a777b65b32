import { protocolViolation } from "./client-error";
import { StartupRequestCode } from "./message-codes";
import { PayloadReader } from "./payload-reader";

/**
 * The first packet on a connection (no type byte): StartupMessage, SSLRequest, GSSENCRequest or
 * CancelRequest. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-STARTUPMESSAGE
 */
export type StartupPacket =
  | { kind: "ssl" }
  | { kind: "gssenc" }
  | { kind: "cancel"; processId: number; secretKey: Buffer }
  | {
      kind: "startup";
      /** major << 16 | minor */
      version: number;
      parameters: Map<string, string>;
      /** `_pq_.*` protocol options the client asked for. */
      protocolOptions: string[];
    };

export function decodeStartupPacket(frame: Buffer): StartupPacket {
  const r = new PayloadReader(frame, 4, "startup packet");
  const code = r.int32();
  switch (code) {
    case StartupRequestCode.SSLRequest:
      r.end();
      return { kind: "ssl" };
    case StartupRequestCode.GSSENCRequest:
      r.end();
      return { kind: "gssenc" };
    case StartupRequestCode.CancelRequest: {
      const processId = r.int32();
      // 4 bytes in protocol 3.0, up to 256 in 3.2.
      const key = r.bytes(r.remaining);
      if (key.length < 4 || key.length > 256) throw protocolViolation("invalid length of cancel request packet");
      return { kind: "cancel", processId, secretKey: Buffer.from(key) };
    }
  }
  const major = code >>> 16;
  if (major !== 3) {
    throw protocolViolation(`unsupported frontend protocol ${major}.${code & 0xffff}: server supports 3.0 to 3.2`);
  }
  const parameters = new Map<string, string>();
  const protocolOptions: string[] = [];
  for (;;) {
    const name = r.cstring();
    if (name === "") break;
    const value = r.cstring();
    if (name.startsWith("_pq_.")) protocolOptions.push(name);
    else parameters.set(name, value);
  }
  r.end();
  return { kind: "startup", version: code, parameters, protocolOptions };
}
