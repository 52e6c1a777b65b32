/**
 * The phases of a client connection, in order. `tls` is passed through only after an SSLRequest;
 * any phase may jump to `closing`. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export const PHASES = ["startup", "tls", "auth", "upstream", "ready", "closing"] as const;
export type Phase = (typeof PHASES)[number];

/** Why a session ended, as recorded. */
export const END_REASONS = {
  clientTerminated: "client_terminated",
  clientDisconnected: "client_disconnected",
  upstreamClosed: "upstream_closed",
  protocolViolation: "protocol_violation",
  tokenRevoked: "token_revoked",
  credentialExpired: "credential_expired",
  gatewayShutdown: "gateway_shutdown",
  internalError: "internal_error",
  // The server began reading SQL differently from Warden (reading-guard.ts).
  sqlReadingChanged: "sql_reading_changed",
  // A read-only session's server turned read-only mode off (reading-guard.ts).
  readOnlyTurnedOff: "read_only_turned_off",
  // An admin ended the session from the console (end-request-listener.ts).
  endedByAdmin: "ended_by_admin",
} as const;
