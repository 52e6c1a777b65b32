import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";

/**
 * Why a sign-in was refused, for the audit trail only: the client is told none of it. Every one of
 * these is answered alike (authenticationFailed below), so a client cannot tell a token that
 * exists from one that does not, a database that exists from one that does not, or a checked
 * guess from one the throttle refused unchecked.
 */
export const FAILURE_REASONS = {
  notACredential: "not_a_credential",
  tokenUnknown: "token_unknown",
  tokenRevoked: "token_revoked",
  tokenExpired: "token_expired",
  tokenOtherUser: "token_other_user",
  tokenOtherConnection: "token_other_connection",
  databaseUnknown: "database_unknown",
  notAllowed: "not_allowed",
  jwtMalformed: "jwt_malformed",
  jwtUntrustedIssuer: "jwt_untrusted_issuer",
  jwtInvalid: "jwt_invalid",
  jwtOtherUser: "jwt_other_user",
  /** Refused by the throttle before the password was checked. */
  throttled: "throttled",
} as const;
export type FailureReason = (typeof FAILURE_REASONS)[keyof typeof FAILURE_REASONS];

/** A refused sign-in: `reason` and `detail` (words for the audit trail) never reach the client. */
export class SignInRefused extends Error {
  override name = "SignInRefused";
  constructor(
    readonly reason: FailureReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * The one answer to every refused sign-in, as PostgreSQL words a wrong password: SQLSTATE 28P01,
 * FATAL, `password authentication failed for user "<the name the client sent>"`, no detail, no hint.
 */
export function authenticationFailed(userName: string): ClientError {
  return ClientError.fatal(SqlState.InvalidPassword, `password authentication failed for user "${userName}"`);
}
