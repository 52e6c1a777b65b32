import { Writer } from "pg-protocol/dist/buffer-writer";
import { AuthRequest, BackendCode } from "./message-codes";
import type { Severity } from "./client-error";

/**
 * Serializers for the backend messages the gateway itself sends to clients (pg-protocol only
 * serializes frontend messages). https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** AuthenticationOk ('R', 0). */
export function authenticationOk(): Buffer {
  return new Writer().addInt32(AuthRequest.Ok).flush(BackendCode.Authentication);
}

/** AuthenticationCleartextPassword ('R', 3): the client answers with a PasswordMessage. */
export function authenticationCleartextPassword(): Buffer {
  return new Writer().addInt32(AuthRequest.CleartextPassword).flush(BackendCode.Authentication);
}

/** ParameterStatus ('S'). */
export function parameterStatus(name: string, value: string): Buffer {
  return new Writer().addCString(name).addCString(value).flush(BackendCode.ParameterStatus);
}

/** BackendKeyData ('K'): 4-byte key in protocol 3.0, longer in 3.2. */
export function backendKeyData(processId: number, secretKey: Buffer): Buffer {
  return new Writer().addInt32(processId).add(secretKey).flush(BackendCode.BackendKeyData);
}

/** ReadyForQuery ('Z') with the transaction status: I, T or E. */
export function readyForQuery(status: string): Buffer {
  return new Writer().add(Buffer.from(status, "latin1")).flush(BackendCode.ReadyForQuery);
}

/**
 * NegotiateProtocolVersion ('v'): the newest minor version we support and the `_pq_.` options we do
 * not. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NEGOTIATEPROTOCOLVERSION
 */
export function negotiateProtocolVersion(newestMinor: number, unsupportedOptions: string[]): Buffer {
  const w = new Writer().addInt32((3 << 16) | newestMinor).addInt32(unsupportedOptions.length);
  for (const o of unsupportedOptions) w.addCString(o);
  return w.flush(BackendCode.NegotiateProtocolVersion);
}

export type ErrorFields = {
  severity: Severity | "WARNING" | "NOTICE";
  sqlState: string;
  message: string;
  detail?: string;
  hint?: string;
};

/**
 * ErrorResponse ('E') and NoticeResponse ('N') share their field layout.
 * https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
function fieldsMessage(code: number, f: ErrorFields): Buffer {
  const w = new Writer()
    .addString("S")
    .addCString(f.severity)
    .addString("V")
    .addCString(f.severity)
    .addString("C")
    .addCString(f.sqlState)
    .addString("M")
    .addCString(stripNul(f.message));
  if (f.detail) w.addString("D").addCString(stripNul(f.detail));
  if (f.hint) w.addString("H").addCString(stripNul(f.hint));
  w.add(Buffer.from([0]));
  return w.flush(code);
}

export function errorResponse(f: ErrorFields): Buffer {
  return fieldsMessage(BackendCode.ErrorResponse, f);
}

export function noticeResponse(f: Omit<ErrorFields, "severity"> & { severity?: "NOTICE" | "WARNING" }): Buffer {
  return fieldsMessage(BackendCode.NoticeResponse, { severity: "NOTICE", ...f });
}

/** A one-byte answer to SSLRequest / GSSENCRequest: 'S' (go ahead) or 'N' (no). */
export function singleByte(ch: "S" | "N"): Buffer {
  return Buffer.from(ch, "latin1");
}

function stripNul(s: string): string {
  return s.includes("\0") ? s.replace(/\0/g, "") : s;
}
