import type { RecordedParam } from "@/drizzle/schema";
import { redactSecrets, WITHHELD_SQL } from "@/lib/policy/redact-secrets";
import type { StatementContext } from "../hooks/gateway-hooks";

/** A statement as Warden keeps and shows it: passwords taken out (redact-secrets.ts). */
export type RecordedStatement = { sql: string; params: RecordedParam[] | null; parseError: string | null; isRedacted: boolean };

const WITHHELD_PARSE_ERROR = "the text did not parse (its error is withheld with the text: it may quote a password)";

// One redaction per statement, whichever sink asks first: the recording's row, the approval request
// (and through it the audit event, the webhook and the inbox).
const recorded = new WeakMap<StatementContext, RecordedStatement>();

/** The statement's text, parameters and parse error for every record of it. The server still gets `ctx.sql` as written. */
export function recordedStatementOf(ctx: StatementContext): RecordedStatement {
  let r = recorded.get(ctx);
  if (!r) {
    const redaction = redactSecrets(ctx.sql, ctx.params);
    // A parse error quotes the text near it, which may be the password itself.
    const parseError = ctx.parseError && redaction.sql === WITHHELD_SQL ? WITHHELD_PARSE_ERROR : ctx.parseError;
    r = { sql: redaction.sql, params: redaction.params, parseError, isRedacted: redaction.isRedacted };
    recorded.set(ctx, r);
  }
  return r;
}
