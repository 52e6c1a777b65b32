import type { RecordedParam } from "@/drizzle/schema";
import { REDACTED, redactSecrets, WITHHELD_SQL } from "@/lib/policy/redact-secrets";
import type { StatementContext } from "../hooks/gateway-hooks";

/** A statement as Warden keeps and shows it: passwords taken out (redact-secrets.ts). */
export type RecordedStatement = {
  sql: string;
  params: RecordedParam[] | null;
  parseError: string | null;
  isRedacted: boolean;
  /** Drops the secrets the server may echo back (set_config's result, an error's quote) from recorded text. */
  scrub(text: string): string;
};

const WITHHELD_PARSE_ERROR = "the text did not parse (its error is withheld with the text: it may quote a password)";

// One redaction per statement, whichever sink asks first: the recording's row, the approval request
// (and through it the audit event, the webhook and the inbox).
const recorded = new WeakMap<StatementContext, RecordedStatement>();

/** The statement's text, parameters and parse error for every record of it. The server still gets `ctx.sql` as written. */
export function recordedStatementOf(ctx: StatementContext): RecordedStatement {
  let r = recorded.get(ctx);
  if (!r) {
    const redaction = redactSecrets(ctx.sql, ctx.params, { executed: ctx.classification.executedSql });
    // A parse error quotes the text near it, which may be the password itself.
    const parseError = ctx.parseError && redaction.sql === WITHHELD_SQL ? WITHHELD_PARSE_ERROR : ctx.parseError;
    r = { sql: redaction.sql, params: redaction.params, parseError, isRedacted: redaction.isRedacted, scrub: scrubberFor(redaction.secrets) };
    recorded.set(ctx, r);
  }
  return r;
}

/**
 * A value equal to a secret is replaced whole; a longer text loses the secret wherever it occurs,
 * for secrets of 4 characters or more (a shorter one would take ordinary words with it).
 */
function scrubberFor(secrets: string[]): (text: string) => string {
  const found = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (found.length === 0) return (text) => text;
  return (text) => {
    if (found.includes(text)) return REDACTED;
    let out = text;
    for (const s of found) if (s.length >= 4) out = out.replaceAll(s, REDACTED);
    return out;
  };
}
