/**
 * Why a session ended, as people read it. The gateway records short codes (proxy/session/phases.ts
 * END_REASONS and a few close() reasons); the console shows these sentences, with the code on hover.
 */
const END_REASON_WORDS: Record<string, string> = {
  client_terminated: "Client signed off",
  client_disconnected: "Client dropped the connection",
  upstream_closed: "Database closed the connection",
  protocol_violation: "Client broke the protocol",
  token_revoked: "Token revoked",
  credential_expired: "Token expired",
  gateway_shutdown: "Gateway shut down",
  internal_error: "Gateway error",
  sql_reading_changed: "Server began reading SQL differently",
  read_only_turned_off: "Server turned read-only mode off",
  cancel_request: "Cancel request",
  sign_in_failed: "Sign-in failed",
  store_unreachable: "Recording store unreachable",
  ended_by_admin: "Ended by an admin",
};

/** The sentence for a recorded end reason; an unknown code reads as its words ("foo_bar" -> "Foo bar"). */
export function describeEndReason(reason: string): string {
  const known = END_REASON_WORDS[reason];
  if (known) return known;
  const words = reason.replace(/[_-]+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : reason;
}
