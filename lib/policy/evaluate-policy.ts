import type { ClassifiedStatement } from "./classify-statement";
import { matchRule, type PolicyActor } from "./match-rule";
import { sessionReadOnlyReason, WRITING_KINDS } from "./is-session-read-only";
import type { ApprovalRule, Guardrail, PolicyDocument } from "./policy-document";

export type { PolicyActor } from "./match-rule";

export type PolicyInput = {
  /** Every statement of one query string (or the one statement of an Execute). */
  statements: ClassifiedStatement[];
  actor: PolicyActor;
  /** The text did not parse, or was too large to parse. */
  parseError?: string | null;
  /**
   * The session started read-only (its upstream runs with default_transaction_read_only=on): it
   * stays read-only for policy too, even if the policy in force has changed since.
   */
  isSessionReadOnly?: boolean;
};

export type PolicyEvaluation =
  | { action: "forward" }
  /** `sqlState`: 42501 for guardrails; the code PostgreSQL itself would use where there is one. */
  | { action: "block"; rule: Guardrail; message: string; sqlState: string; reasons: string[]; statementIndex: number }
  | { action: "hold"; rule: ApprovalRule; reasons: string[]; statementIndex: number };

/** Ids of the rules the gateway applies on its own, beside the document's. */
export const BUILT_IN_RULE_IDS = { failClosed: "fail-closed", readOnly: "read-only", sqlReading: "sql-reading" } as const;

/**
 * Decides what happens to a query: guardrails block, approval rules hold, anything else is
 * forwarded. Across the statements of one query string the most severe outcome wins (block, then
 * hold); within one outcome, the first statement and the first rule in the document's order. Text
 * that cannot be classified follows the document's fail-closed rule, never passes unjudged.
 * Pure (no I/O): the gateway and the console's policy preview call the same function.
 */
export function evaluatePolicy(policy: PolicyDocument, input: PolicyInput): PolicyEvaluation {
  const readOnly = readOnlyGuardrail(policy, input);
  let hold: Extract<PolicyEvaluation, { action: "hold" }> | null = null;
  for (const [i, statement] of input.statements.entries()) {
    const unreadable = unreadableReason(statement, input.parseError ?? null);
    if (unreadable) {
      const outcome = failClosed(policy, statement, unreadable, i);
      if (outcome.action === "block") return outcome;
      hold ??= outcome;
      continue;
    }
    // Past such a setting Warden could no longer classify what the session sends: never allowed.
    if (statement.flags.includes("changes_sql_reading")) {
      return { action: "block", rule: SQL_READING_GUARDRAIL, message: SQL_READING_GUARDRAIL.message, sqlState: "0A000", reasons: ["changes how the server reads SQL"], statementIndex: i };
    }
    for (const g of policy.guardrails) {
      if (!g.isEnabled) continue;
      const reasons = matchRule(g.match, statement, input.actor);
      if (reasons) return { action: "block", rule: g, message: g.message, sqlState: "42501", reasons, statementIndex: i };
    }
    // 25006 (read_only_sql_transaction): what PostgreSQL answers a write in a read-only transaction,
    // so a client handles Warden's refusal and the server's alike.
    if (readOnly && WRITING_KINDS.includes(statement.kind)) {
      return { action: "block", rule: readOnly, message: readOnly.message, sqlState: "25006", reasons: [`a ${statement.kind} statement on a read-only session`], statementIndex: i };
    }
    // The server's own read-only mode (default_transaction_read_only=on, which the gateway sets for
    // a read-only session) must stay on: BEGIN READ WRITE, SET ... READ WRITE, set_config(...).
    if (readOnly && statement.flags.includes("set_read_write")) {
      return { action: "block", rule: readOnly, message: readOnly.message, sqlState: "25006", reasons: ["turns read-only mode off on a read-only session"], statementIndex: i };
    }
    if (hold) continue;
    for (const rule of policy.approvals) {
      if (!rule.isEnabled) continue;
      const reasons = matchRule(rule.match, statement, input.actor);
      if (reasons) {
        hold = { action: "hold", rule, reasons, statementIndex: i };
        break;
      }
    }
  }
  return hold ?? { action: "forward" };
}

type Unreadable = { reason: string; sqlState: string };

function unreadableReason(s: ClassifiedStatement, parseError: string | null): Unreadable | null {
  if (s.flags.includes("oversized")) return { reason: parseError ?? "the statement is too large to classify", sqlState: "54000" };
  if (s.flags.includes("unparsed")) {
    if (s.executes !== undefined) return { reason: `EXECUTE ${s.executes} runs a statement that was not prepared in this session through Warden`, sqlState: "42501" };
    return { reason: parseError ?? "the statement does not parse", sqlState: "42601" };
  }
  if (parseError) return { reason: parseError, sqlState: "42601" };
  return null;
}

const READ_ONLY_GUARDRAIL: Guardrail = {
  id: BUILT_IN_RULE_IDS.readOnly,
  name: "Read-only connection",
  isEnabled: true,
  match: {},
  message: "This connection is read-only through Warden: only reads are allowed.",
};

const READ_ONLY_SESSION_GUARDRAIL: Guardrail = {
  id: BUILT_IN_RULE_IDS.readOnly,
  name: "Read-only session",
  isEnabled: true,
  match: {},
  message: "This session is read-only through Warden: only reads are allowed, and read-only mode cannot be turned off.",
};

/** The built-in rule that keeps a read-only session read-only, or null when the session may write. */
function readOnlyGuardrail(policy: PolicyDocument, input: PolicyInput): Guardrail | null {
  const reason = sessionReadOnlyReason(policy, input.actor);
  if (reason?.source === "connection") return READ_ONLY_GUARDRAIL;
  if (reason) return { ...READ_ONLY_SESSION_GUARDRAIL, name: `Read-only session ("${reason.rule.name}")` };
  return input.isSessionReadOnly ? READ_ONLY_SESSION_GUARDRAIL : null;
}

const SQL_READING_GUARDRAIL: Guardrail = {
  id: BUILT_IN_RULE_IDS.sqlReading,
  name: "Settings that change how SQL is read",
  isEnabled: true,
  match: {},
  message:
    "Warden reads SQL as UTF-8 with standard_conforming_strings on; this setting would make PostgreSQL read statements differently from Warden, so it is not allowed through Warden.",
};

function failClosed(policy: PolicyDocument, s: ClassifiedStatement, u: Unreadable, i: number): PolicyEvaluation & { action: "block" | "hold" } {
  if (policy.failClosed === "block") {
    const message = `Warden could not classify this statement, so it was not run: ${u.reason}`;
    const rule: Guardrail = { id: BUILT_IN_RULE_IDS.failClosed, name: "Statements Warden cannot classify", isEnabled: true, match: {}, message };
    return { action: "block", rule, message, sqlState: u.sqlState, reasons: [u.reason], statementIndex: i };
  }
  // Held for whoever reviews anything on this connection; without approval rules, for reviewers.
  const groups = [...new Set(policy.approvals.filter((r) => r.isEnabled).flatMap((r) => r.reviewerGroups))];
  const rule: ApprovalRule = {
    id: BUILT_IN_RULE_IDS.failClosed,
    name: "Statements Warden cannot classify",
    isEnabled: true,
    match: {},
    reviewerGroups: groups.length ? groups : ["reviewer"],
    minApprovals: 1,
    timeoutSeconds: 15 * 60,
    // Unclassified text has no reliable shape to grant.
    allowGrants: false,
  };
  return { action: "hold", rule, reasons: [`cannot be classified: ${u.reason}`], statementIndex: i };
}
