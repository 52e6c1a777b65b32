import { Writer } from "pg-protocol/dist/buffer-writer";
import { StartupRequestCode } from "./message-codes";

/**
 * Frontend messages the gateway writes itself that pg-protocol's serializer does not cover.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** CancelRequest with a key of any length (protocol 3.2). Sent on a new connection. */
export function cancelRequest(processId: number, secretKey: Buffer): Buffer {
  const body = new Writer().addInt32(StartupRequestCode.CancelRequest).addInt32(processId).add(secretKey).flush();
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(4 + body.length, 0);
  body.copy(out, 4);
  return out;
}

/** StartupMessage for a given protocol version (pg-protocol's always asks for 3.0). */
export function startupMessage(version: number, params: Record<string, string>): Buffer {
  const w = new Writer().addInt32(version);
  for (const [k, v] of Object.entries(params)) w.addCString(k).addCString(v);
  w.addCString("");
  const body = w.flush();
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(4 + body.length, 0);
  body.copy(out, 4);
  return out;
}

/** SASLResponse ('p') with raw data. */
export function saslResponse(data: string): Buffer {
  return new Writer().addString(data).flush(0x70);
}
