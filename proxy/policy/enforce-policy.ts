import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import { evaluatePolicy, type PolicyActor } from "@/lib/policy/evaluate-policy";
import { isSessionReadOnly } from "@/lib/policy/is-session-read-only";
import { judgeStartupSettings } from "@/lib/policy/judge-startup-settings";
import { describeBlastRadius, findBlastRadiusRule } from "@/lib/policy/blast-radius";
import type { ApprovalRule, PolicyDocument } from "@/lib/policy/policy-document";
import { ApprovalWaiter } from "../approvals/approval-waiter";
import { createApprovalWebhookSender } from "../approvals/approval-webhook-sender";
import { holdStatement, type HoldDeps } from "../approvals/hold-statement";
import { type Decision, type GatewayHooks, type SessionInfo, type StartupSettingsDecision, type StatementContext } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { SqlState } from "../protocol/sql-state";
import { PolicyStoreUnreachable, type ActivePolicy, type PolicyCache } from "./policy-cache";
import { forwardOf, resultPolicyOf, withResultPolicy } from "./result-policy";

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

/** What the client hears when no policy of the connection can be read because the store is away. */
const STORE_UNREACHABLE_MESSAGE = "the Warden store is unreachable; try again";

/**
 * The policy hook: each statement is judged by its connection's policy in force. Guardrails block
 * (42501 with the guardrail's message), approval rules hold for reviewers, anything else is
 * forwarded; synchronously when the policy is already loaded. Settings asked for at sign-in are
 * judged as the SET statements they stand for. While the store is unreachable the last policy
 * loaded stays in force (the cache keeps it); with none, statements and sign-ins are refused with
 * 57P03 (try again). A policy that does not validate refuses every statement (fail closed).
 */
export function createPolicyEnforcement(deps: PolicyEnforcementDeps): Required<Pick<GatewayHooks, "decideStatement" | "decideStartupSettings" | "blastRadiusRule" | "holdBlastRadius" | "close">> {
  const log = deps.log.child({ component: "policy" });
  const stopStaleLog = deps.policies.onStale((connectionId, kept, err) =>
    log.warn("the store cannot be read; the last policy loaded stays in force", { connectionId, version: kept.version, error: err.message }),
  );
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
    const actor = actorOf(ctx.session);
    const result = evaluatePolicy(policy, { statements: [statement], actor, parseError: ctx.parseError, isSessionReadOnly: ctx.session.isReadOnly });
    switch (result.action) {
      case "forward":
        // The same policy that let it run caps its result (recording, and an agent's rows).
        return forwardOf(policy, actor.actorKind);
      case "block":
        return { action: "block", sqlState: result.sqlState, message: result.message, reason: `${result.rule.name}: ${result.reasons.join("; ")}` };
      case "hold": {
        const caps = resultPolicyOf(policy, actor.actorKind);
        return holdStatement(ctx, statement, result.rule, result.reasons, holdDeps).then((d) => withResultPolicy(d, caps));
      }
    }
  };

  const startupDecision = (policy: ActivePolicy, session: SessionInfo, settings: Parameters<typeof judgeStartupSettings>[1]): StartupSettingsDecision => {
    const actor = actorOf(session);
    const verdict = judgeStartupSettings(policy.document, settings, actor);
    if (verdict.action === "allow") return { action: "allow", isReadOnly: isSessionReadOnly(policy.document, actor) };
    return { action: "refuse", setting: verdict.setting, sqlState: SqlState.InsufficientPrivilege, message: verdict.message, reason: `${verdict.ruleName}: ${verdict.reasons.join("; ")}` };
  };

  return {
    decideStatement(ctx) {
      const loaded = deps.policies.peek(ctx.session.connection.id);
      if (loaded) return decideWith(loaded.document, ctx);
      return deps.policies.get(ctx.session.connection.id).then(
        (p) => decideWith(p.document, ctx),
        (err: Error): Decision => {
          if (err instanceof PolicyStoreUnreachable) {
            log.warn("no policy loaded and the store cannot be read; refusing statements until it can", { connection: ctx.session.connection.name, error: err.message });
            return { action: "block", sqlState: SqlState.CannotConnectNow, message: STORE_UNREACHABLE_MESSAGE, reason: `policy not loaded: ${err.message}` };
          }
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
    decideStartupSettings(session, settings) {
      // Read at every sign-in, settings or not: a session starts with its policy at hand, so a later
      // store outage finds it cached (and kept) rather than missing.
      const loaded = deps.policies.peek(session.connection.id);
      if (loaded) return startupDecision(loaded, session, settings);
      return deps.policies.get(session.connection.id).then(
        (p) => startupDecision(p, session, settings),
        (err: Error): StartupSettingsDecision => {
          if (err instanceof PolicyStoreUnreachable) {
            return { action: "refuse", setting: null, sqlState: SqlState.CannotConnectNow, message: STORE_UNREACHABLE_MESSAGE, reason: `policy not loaded: ${err.message}` };
          }
          log.error("policy cannot be loaded; refusing its statements", { connection: session.connection.name, error: err.message });
          // Without settings to judge, the session may start: each of its statements is refused (fail closed).
          if (settings.length === 0) return { action: "allow" };
          return {
            action: "refuse",
            setting: settings[0],
            sqlState: SqlState.InsufficientPrivilege,
            message: `the policy of connection "${session.connection.name}" cannot be loaded; an admin must fix it`,
            reason: `policy not loaded: ${err.message}`,
          };
        },
      );
    },
    blastRadiusRule(ctx) {
      const loaded = deps.policies.peek(ctx.session.connection.id);
      if (!loaded) return undefined;
      return findBlastRadiusRule(loaded.document, [ctx.classification], actorOf(ctx.session));
    },
    holdBlastRadius(ctx, record, rule) {
      // A blast-radius hold is for this run's counts: no grant may approve it in advance.
      const approval: ApprovalRule = { id: rule.id, name: rule.name, isEnabled: true, match: rule.match, reviewerGroups: rule.reviewerGroups, minApprovals: rule.minApprovals, timeoutSeconds: rule.timeoutSeconds, allowGrants: false };
      return holdStatement(ctx, ctx.classification, approval, [...record.reasons, describeBlastRadius(record)], holdDeps, { blastRadius: record });
    },
    async close() {
      stopStaleLog();
      waiter.close();
      await Promise.allSettled([...inFlight]);
    },
  };
}

function actorOf(session: SessionInfo): PolicyActor {
  return { userName: session.userName, actorKind: session.actorKind, agentName: session.agentName, groups: session.groups, applicationName: session.applicationName };
}
