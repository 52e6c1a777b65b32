import { SqlState } from "./sql-state";

export type Severity = "ERROR" | "FATAL";

/**
 * An error meant for the client, sent as an ErrorResponse with a real SQLSTATE.
 * FATAL ones end the connection after they are sent.
 */
export class ClientError extends Error {
  override name = "ClientError";
  constructor(
    public readonly sqlState: SqlState,
    message: string,
    public readonly severity: Severity = "ERROR",
    public readonly extra: { detail?: string; hint?: string } = {},
  ) {
    super(message);
  }

  static fatal(sqlState: SqlState, message: string, extra: { detail?: string; hint?: string } = {}) {
    return new ClientError(sqlState, message, "FATAL", extra);
  }
}

/** A frame that breaks the protocol: answered with 08P01 and the connection is closed. */
export function protocolViolation(message: string): ClientError {
  return ClientError.fatal(SqlState.ProtocolViolation, message);
}
