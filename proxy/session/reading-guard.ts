import { isTrueText, unreadableSetting } from "@/lib/policy/sql-reading";
import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";
import { END_REASONS } from "./phases";

/**
 * Warden reads a session's SQL as PostgreSQL does only while the session's client_encoding is
 * ASCII-safe and standard_conforming_strings is on (lib/policy/sql-reading.ts). Sign-in refuses a
 * session that starts otherwise, and the policy refuses SET and set_config of either; but SQL the
 * server runs can still change them mid-session: a function whose body says `SET client_encoding =
 * 'SJIS'` or `PERFORM set_config('standard_conforming_strings', 'off', false)`, called from an
 * innocent-looking `SELECT f()`. Warden cannot see into the function; it sees the result.
 *
 * Both settings are GUC_REPORT: PostgreSQL sends a ParameterStatus for each change just before the
 * ReadyForQuery that ends the statement (ReportChangedGUCOptions, postgres.c). The relay hands
 * every ParameterStatus from the server to `readingChange` as it arrives, before the server's later
 * messages are taken; if the session now reads SQL differently, the relay ends the session at once:
 * the ReadyForQuery after it never reaches the client, so a client waiting for its answer has no
 * chance to send a statement Warden would read wrongly; the client gets a FATAL 0A000 naming the
 * setting; the server gets Terminate (and a cancel when a statement may still be running); the
 * session's record ends with READING_CHANGED. A change to another ASCII-safe encoding (LATIN1,
 * WIN1252, EUC_JP...) keeps the session: every byte below 0x80 is still the ASCII character it is
 * in UTF-8, so quotes, backslashes and semicolons fall where Warden sees them.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-ASYNC
 *
 * The window this leaves (not closed here). A message the gateway has already forwarded cannot be
 * recalled. PostgreSQL converts a message's text from the client encoding, and reads it with its
 * standard_conforming_strings, when it reads that message, after the earlier ones ran; but it
 * reports the change only at the next ReadyForQuery. So:
 * - simple protocol, pipelined: `Query(SELECT f())` followed at once by `Query(<attack>)` — the
 *   gateway judges and forwards the second (read as UTF-8, it is one harmless SELECT) before the
 *   ParameterStatus of the first arrives; the server reads it with SJIS and may have run it by the
 *   time the session ends (the cancel may come too late);
 * - extended protocol, within one batch: `Parse/Bind/Execute(SELECT f())`, then `Parse(<attack>)`,
 *   then Sync — the ParameterStatus comes only at that Sync's ReadyForQuery, after the attack's
 *   Parse (one statement, which can still hide a data-modifying CTE or a function call).
 * One Query string is safe: the server converts and parses the whole string before running any of
 * its statements. Encodings and standard_conforming_strings only change how bytes at or above 0x80
 * and backslashes read, so text with neither reads the same in every session state.
 *
 * What a full fix would do: before forwarding a Query or Parse whose text holds a byte >= 0x80 or a
 * backslash, wait until the server has answered everything forwarded before it through a
 * ReadyForQuery (the ParameterStatus of any change comes first), then judge the reading again. For
 * the simple protocol that is a wait for the reply tracker to be idle (careful with an unsynced
 * extended batch ahead of a Query, whose expectations clear only at the Query's ReadyForQuery). For
 * a Parse after an Execute in the same batch there is no ReadyForQuery to wait for before the
 * client's Sync; the gateway would have to ask itself, as the syntax probe does: a swallowed
 * `SELECT current_setting('client_encoding'), current_setting('standard_conforming_strings')`
 * (Parse/Bind/Execute under a reserved name, then Flush) ahead of the risky Parse, forwarding it
 * only on an ASCII-safe answer. It costs a round trip only for pipelined non-ASCII or backslashed
 * text, but it touches the outbox, the reply tracker's swallowed replies and skip-to-Sync
 * semantics (a failed probe must fail the batch as the Parse would), so it is its own change.
 */

/** The session's end reason, as recorded. */
export const READING_CHANGED = END_REASONS.sqlReadingChanged;

/** A setting the server reported that makes it read SQL differently from Warden. */
export type ReadingChange = { name: string; value: string; reason: string };

/**
 * ParameterStatus ('S'): name and value, each a zero-terminated string.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-PARAMETERSTATUS
 * Null when the reported setting keeps SQL readable (or the message cannot be read, which the
 * reply tracker's own handling of the frame reports).
 */
export function readingChange(frame: Buffer): ReadingChange | null {
  const status = parameterStatusOf(frame);
  if (!status) return null;
  const reason = unreadableSetting(status.name.toLowerCase(), status.value);
  return reason ? { ...status, reason } : null;
}

function parameterStatusOf(frame: Buffer): { name: string; value: string } | null {
  const nameEnd = frame.indexOf(0, 5);
  if (nameEnd < 0) return null;
  const valueEnd = frame.indexOf(0, nameEnd + 1);
  if (valueEnd < 0) return null;
  return { name: frame.toString("utf8", 5, nameEnd), value: frame.toString("utf8", nameEnd + 1, valueEnd) };
}

/** The FATAL the client gets when the session ends for such a change. */
export function readingChangedError(change: ReadingChange): ClientError {
  return ClientError.fatal(
    SqlState.FeatureNotSupported,
    `Warden ended this session because the server changed ${change.name} to ${change.value}: ${change.reason}, so PostgreSQL would read statements differently from Warden`,
    {
      detail: "A statement changed the setting without a SET Warden could see, for example inside a function or procedure.",
      hint: `Keep ${change.name} as Warden reads SQL (an ASCII-safe client_encoding such as UTF8, standard_conforming_strings on) and connect again.`,
    },
  );
}

/**
 * Read-only that holds. A read-only session's upstream runs with default_transaction_read_only=on
 * (startup-settings.ts) and policy refuses every statement that would turn it off; but a function
 * the database already has can turn it off where Warden cannot see (`PERFORM set_config(...)`, an
 * `EXECUTE` of text, a SET in its definition), from an innocent-looking `SELECT f()`. The setting
 * is GUC_REPORT from PostgreSQL 14 (libpq's target_session_attrs reads it), so the server reports
 * the change in a ParameterStatus before the ReadyForQuery that ends the statement, and the relay
 * ends the session there, as for a reading change above: FATAL 25006, Terminate and a cancel to
 * the server, the record ending with READ_ONLY_TURNED_OFF. The change applies from the next
 * transaction, so nothing the client sends after that ReadyForQuery runs read-write.
 *
 * The windows above (statements already forwarded when the report arrives: pipelined Query
 * messages, Executes after an Execute of COMMIT before Sync, `SELECT f(); COMMIT; SELECT g()` in one
 * string) are closed for read-only sessions by read-only-boundary.ts: a statement is judged only
 * once every earlier block has its ReadyForQuery, and nothing runs after a transaction's end within
 * a block. Only PostgreSQL 14 and later report the setting; on older servers this watch sees nothing.
 */

/** The session's end reason, as recorded. */
export const READ_ONLY_TURNED_OFF = END_REASONS.readOnlyTurnedOff;

export const READ_ONLY_SETTING_NAME = "default_transaction_read_only";

/** The server's value of default_transaction_read_only that leaves a read-only session writable. */
export type ReadOnlyChange = { name: string; value: string };

/** A value of default_transaction_read_only (undefined: not reported) that is not on. */
export function readOnlyTurnedOff(value: string | undefined): ReadOnlyChange | null {
  if (value === undefined || isTrueText(value)) return null;
  return { name: READ_ONLY_SETTING_NAME, value };
}

/** ParameterStatus ('S') of default_transaction_read_only turned off; null for anything else. */
export function readOnlyChange(frame: Buffer): ReadOnlyChange | null {
  const status = parameterStatusOf(frame);
  if (!status || status.name.toLowerCase() !== READ_ONLY_SETTING_NAME) return null;
  return readOnlyTurnedOff(status.value);
}

/** The FATAL the client gets when a read-only session's server turned read-only mode off. */
export function readOnlyTurnedOffError(change: ReadOnlyChange): ClientError {
  return ClientError.fatal(SqlState.ReadOnlySqlTransaction, `Warden ended this read-only session because the server turned ${change.name} ${change.value}`, {
    detail: "A statement turned read-only mode off without a SET Warden could see, for example inside a function.",
    hint: "This session is read-only through Warden; connect again and only read.",
  });
}
