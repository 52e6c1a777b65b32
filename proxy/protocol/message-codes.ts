/**
 * Message type bytes of the PostgreSQL frontend/backend protocol, version 3.
 * Formats: https://www.postgresql.org/docs/current/protocol-message-formats.html
 * Flow:    https://www.postgresql.org/docs/current/protocol-flow.html
 */

/** Messages a client (frontend) sends, after the startup packet. */
export const FrontendCode = {
  /** 'B' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BIND */
  Bind: 0x42,
  /** 'C' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-CLOSE */
  Close: 0x43,
  /** 'd' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDATA */
  CopyData: 0x64,
  /** 'c' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYDONE */
  CopyDone: 0x63,
  /** 'f' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYFAIL */
  CopyFail: 0x66,
  /** 'D' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DESCRIBE */
  Describe: 0x44,
  /** 'E' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-EXECUTE */
  Execute: 0x45,
  /** 'H' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FLUSH */
  Flush: 0x48,
  /** 'F' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FUNCTIONCALL */
  FunctionCall: 0x46,
  /** 'P' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARSE */
  Parse: 0x50,
  /** 'p' PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse share the byte. */
  Password: 0x70,
  /** 'Q' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-QUERY */
  Query: 0x51,
  /** 'S' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SYNC */
  Sync: 0x53,
  /** 'X' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-TERMINATE */
  Terminate: 0x58,
} as const;
export type FrontendCode = (typeof FrontendCode)[keyof typeof FrontendCode];

/** Messages a server (backend) sends. */
export const BackendCode = {
  /** 'R' AuthenticationOk, …CleartextPassword, …MD5Password, …SASL, …SASLContinue, …SASLFinal */
  Authentication: 0x52,
  /** 'K' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-BACKENDKEYDATA */
  BackendKeyData: 0x4b,
  /** '2' */
  BindComplete: 0x32,
  /** '3' */
  CloseComplete: 0x33,
  /** 'C' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COMMANDCOMPLETE */
  CommandComplete: 0x43,
  /** 'd' */
  CopyData: 0x64,
  /** 'c' */
  CopyDone: 0x63,
  /** 'G' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYINRESPONSE */
  CopyInResponse: 0x47,
  /** 'H' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COPYOUTRESPONSE */
  CopyOutResponse: 0x48,
  /** 'W' (replication only) */
  CopyBothResponse: 0x57,
  /** 'D' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW */
  DataRow: 0x44,
  /** 'I' */
  EmptyQueryResponse: 0x49,
  /** 'E' https://www.postgresql.org/docs/current/protocol-error-fields.html */
  ErrorResponse: 0x45,
  /** 'V' */
  FunctionCallResponse: 0x56,
  /** 'v' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NEGOTIATEPROTOCOLVERSION */
  NegotiateProtocolVersion: 0x76,
  /** 'n' */
  NoData: 0x6e,
  /** 'N' */
  NoticeResponse: 0x4e,
  /** 'A' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTIFICATIONRESPONSE */
  NotificationResponse: 0x41,
  /** 't' */
  ParameterDescription: 0x74,
  /** 'S' */
  ParameterStatus: 0x53,
  /** '1' */
  ParseComplete: 0x31,
  /** 's' */
  PortalSuspended: 0x73,
  /** 'Z' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-READYFORQUERY */
  ReadyForQuery: 0x5a,
  /** 'T' https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ROWDESCRIPTION */
  RowDescription: 0x54,
} as const;
export type BackendCode = (typeof BackendCode)[keyof typeof BackendCode];

/** Authentication request subtypes inside 'R'. https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-AUTHENTICATIONOK */
export const AuthRequest = {
  Ok: 0,
  CleartextPassword: 3,
  MD5Password: 5,
  SASL: 10,
  SASLContinue: 11,
  SASLFinal: 12,
} as const;

/**
 * Request codes in packets that have no type byte (sent first on a connection).
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-SSLREQUEST
 */
export const StartupRequestCode = {
  CancelRequest: 80877102,
  SSLRequest: 80877103,
  GSSENCRequest: 80877104,
} as const;

/** Protocol versions as the startup packet carries them (major << 16 | minor). */
export const ProtocolVersion = {
  V3_0: 0x30000,
  /** PostgreSQL 18: variable-length cancel keys in BackendKeyData and CancelRequest. */
  V3_2: 0x30002,
} as const;

/** The newest minor version of protocol 3 this gateway speaks. */
export const NEWEST_MINOR_VERSION = 2;

/** ReadyForQuery transaction status bytes. */
export const TransactionStatus = { Idle: "I", InBlock: "T", Failed: "E" } as const;
export type TransactionStatus = (typeof TransactionStatus)[keyof typeof TransactionStatus];

/** A printable name for logs: "Q" for Query, and so on. */
export function codeName(code: number): string {
  return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : `0x${code.toString(16)}`;
}
