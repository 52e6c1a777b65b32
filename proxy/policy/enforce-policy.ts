import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import { evaluatePolicy } from "@/lib/policy/evaluate-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { ApprovalWaiter } from "../approvals/approval-waiter";
import { createApprovalWebhookSender } from "../approvals/approval-webhook-sender";
import { holdStatement, type HoldDeps } from "../approvals/hold-statement";
import { FORWARD, type Decision, type GatewayHooks, type StatementContext } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { SqlState } from "../protocol/sql-state";
import type { PolicyCache } from "./policy-cache";

export type PolicyEnforcementDeps = {
  db: Db;
  listener: StoreListener;
  policies: PolicyCache;
  instance: string;
  /** The console's URL, for the notice that points at the request. */
  publicUrl: string;
  /** WARDEN_APPROVAL_WEBHOOK_URL: told when a request is created and when this worker closes one. */
  approvalWebhookUrl?: string;
  log: Logger;
  /** How often waiting requests are re-read in case a notification was missed. */
  approvalPollMs?: number;
};

/**
 * The policy hook: each statement is judged by its connection's policy in force. Guardrails block
 * (42501 with the guardrail's message), approval rules hold for reviewers, anything else is
 * forwarded; synchronously when the policy is already loaded. A policy that cannot be loaded refuses
 * every statement (fail closed).
 */
export function createPolicyEnforcement(deps: PolicyEnforcementDeps): Required<Pick<GatewayHooks, "decideStatement" | "close">> {
  const log = deps.log.child({ component: "policy" });
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const sendWebhook = createApprovalWebhookSender({ url: deps.approvalWebhookUrl, publicUrl: deps.publicUrl, log, track });
  const waiter = new ApprovalWaiter(deps.db, deps.listener, log, { pollMs: deps.approvalPollMs, track, onClosed: (r) => sendWebhook(r.status as "timed_out" | "withdrawn", r) });
  const holdDeps: HoldDeps = { db: deps.db, waiter, instance: deps.instance, publicUrl: deps.publicUrl, sendWebhook };
  const decideWith = (policy: PolicyDocument, ctx: StatementContext): Decision | Promise<Decision> => {
    // Already judged as what runs: an EXECUTE as the statement it executes (the relay's namespace).
    const statement = ctx.classification;
    const actor = { userName: ctx.session.userName, actorKind: ctx.session.actorKind, agentName: ctx.session.agentName, groups: ctx.session.groups, applicationName: ctx.session.applicationName };
    const result = evaluatePolicy(policy, { statements: [statement], actor, parseError: ctx.parseError });
    switch (result.action) {
      case "forward":
        return FORWARD;
      case "block":
        return { action: "block", sqlState: result.sqlState, message: result.message, reason: `${result.rule.name}: ${result.reasons.join("; ")}` };
      case "hold":
        return holdStatement(ctx, statement, result.rule, result.reasons, holdDeps);
    }
  };

  return {
    decideStatement(ctx) {
      const loaded = deps.policies.peek(ctx.session.connection.id);
      if (loaded) return decideWith(loaded.document, ctx);
      return deps.policies.get(ctx.session.connection.id).then(
        (p) => decideWith(p.document, ctx),
        (err: Error): Decision => {
          log.error("policy cannot be loaded; refusing statements", { connection: ctx.session.connection.name, error: err.message });
          return {
            action: "block",
            sqlState: SqlState.InsufficientPrivilege,
            message: `Warden refuses statements on connection "${ctx.session.connection.name}" because its policy cannot be loaded; an admin must fix the policy.`,
            reason: `policy not loaded: ${err.message}`,
          };
        },
      );
    },
    async close() {
      waiter.close();
      await Promise.allSettled([...inFlight]);
    },
  };
}
