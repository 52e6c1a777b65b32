import { serialize } from "pg-protocol";

/**
 * A refused statement is answered by the upstream server itself, at the statement's place in the
 * stream: the gateway sends, instead of the statement, a DO block that raises the error. So the
 * client sees the error exactly where PostgreSQL would put it, with PostgreSQL's own semantics
 * (earlier statements of the same query string roll back, the transaction is aborted, the extended
 * protocol skips to Sync), however deep the client's pipeline is.
 */

const DOLLAR_TAG = "$warden_block$";

export function raiseErrorSql(sqlState: string, message: string): string {
  const { code, text } = raisedError(sqlState, message);
  return `DO ${DOLLAR_TAG}BEGIN RAISE EXCEPTION USING ERRCODE = '${code}', MESSAGE = '${text.replaceAll("'", "''")}'; END${DOLLAR_TAG}`;
}

/** The SQLSTATE and message text of the error raiseErrorSql makes the server send back. */
export function raisedError(sqlState: string, message: string): { code: string; text: string } {
  return { code: /^[0-9A-Z]{5}$/.test(sqlState) ? sqlState : "42501", text: raisedText(message) };
}

/** Text as it survives the raise (what cannot be inside the DO block's quoting is dropped). */
export function raisedText(text: string): string {
  return text.replaceAll(DOLLAR_TAG, "").replaceAll("\0", "");
}

/** The name the gateway uses for its own statement and portal on the upstream connection. */
const RESERVED_NAME = "__warden_refusal";

/** Clients may not use names starting like the gateway's own (they would collide with a refusal). */
export function isReservedName(name: string): boolean {
  return name.startsWith("__warden");
}

/**
 * The extended-protocol messages that stand in for a refused message: close our reserved portal and
 * statement (no error if they do not exist), prepare and bind the raise, run it. Their answers
 * (CloseComplete ×2, ParseComplete, BindComplete) are not for the client.
 */
export function refusalMessages(sqlState: string, message: string): Buffer[] {
  return [
    serialize.close({ type: "P", name: RESERVED_NAME }),
    serialize.close({ type: "S", name: RESERVED_NAME }),
    serialize.parse({ name: RESERVED_NAME, text: raiseErrorSql(sqlState, message), types: [] }),
    serialize.bind({ portal: RESERVED_NAME, statement: RESERVED_NAME, values: [] }),
    serialize.execute({ portal: RESERVED_NAME, rows: 0 }),
  ];
}

/** How many of refusalMessages' answers the client must not see. */
export const REFUSAL_SWALLOWED = 4;

/**
 * The refusal's statement outlives its error (the server skips everything after it until Sync), and
 * would show in pg_prepared_statements: after that Sync the gateway closes it. Its answer is not for
 * the client; the Flush makes it come at once, so no reply of the gateway's own waits behind it.
 */
export function refusalCleanupMessages(): Buffer[] {
  return [serialize.close({ type: "S", name: RESERVED_NAME }), serialize.flush()];
}
