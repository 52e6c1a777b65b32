import type { Db } from "@/lib/db/create-db";
import type { StoreListener } from "@/lib/db/store-listener";
import { evaluatePolicy, type PolicyActor } from "@/lib/policy/evaluate-policy";
import { isSessionReadOnly } from "@/lib/policy/is-session-read-only";
import { judgeStartupSettings } from "@/lib/policy/judge-startup-settings";
import { describeBlastRadius, findBlastRadiusRule } from "@/lib/policy/blast-radius";
import type { LineageVerdict } from "@/lib/policy/masking";
import type { ApprovalRule, PolicyDocument } from "@/lib/policy/policy-document";
import { ApprovalWaiter } from "../approvals/approval-waiter";
import { createApprovalWebhookSender } from "../approvals/approval-webhook-sender";
import { holdStatement, type HoldDeps } from "../approvals/hold-statement";
import { type Decision, type GatewayHooks, type SessionInfo, type StartupSettingsDecision, type StatementContext } from "../hooks/gateway-hooks";
import { judgeStatementLineage, lineageApprovalRule, lineageBlockName } from "../lineage/judge-statement-lineage";
import type { LineageService } from "../lineage/lineage-service";
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
  /** Lineage (shared with masking): copies of masked data and inference on it, by the policy's masking.lineage. Absent: not judged. */
  lineage?: LineageService;
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
 * Lineage (proxy/lineage) then judges what a statement the policy lets through does with masked
 * columns: copies and inference are held for the policy's lineage reviewers, or refused, as
 * masking.lineage says; a statement whose lineage cannot be worked out is refused.
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
    if (result.action === "block") return { action: "block", sqlState: result.sqlState, message: result.message, reason: `${result.rule.name}: ${result.reasons.join("; ")}` };
    const decide = (lineage: LineageVerdict): Decision | Promise<Decision> => {
      if (lineage.action === "block") {
        const said = `${lineageBlockName(lineage)}: ${lineage.reasons.join("; ")}`;
        return { action: "block", sqlState: SqlState.InsufficientPrivilege, message: said, reason: said };
      }
      if (result.action === "forward" && lineage.action === "forward") {
        // The same policy that let it run caps its result (recording, and an agent's rows).
        return forwardOf(policy, actor.actorKind);
      }
      // One hold for everything that holds it: an approval rule's, with the lineage's reasons too
      // (no grant may approve it then, since a grant would skip the copy's review).
      const rule = result.action === "hold" ? (lineage.action === "hold" ? { ...result.rule, allowGrants: false } : result.rule) : lineageApprovalRule(policy, lineage as Exclude<LineageVerdict, { action: "forward" }>);
      const reasons = [...(result.action === "hold" ? result.reasons : []), ...(lineage.action === "hold" ? lineage.reasons : [])];
      const caps = resultPolicyOf(policy, actor.actorKind);
      return holdStatement(ctx, statement, rule, reasons, holdDeps).then((d) => withResultPolicy(d, caps));
    };
    if (!deps.lineage) return decide({ action: "forward" });
    let verdict: LineageVerdict | Promise<LineageVerdict>;
    try {
      verdict = judgeStatementLineage(deps.lineage, policy, ctx, actor);
    } catch (err) {
      verdict = Promise.reject(err as Error);
    }
    if (!(verdict instanceof Promise)) return decide(verdict);
    return verdict.then(decide, (err: Error): Decision => {
      // Fail closed: what cannot be traced may copy masked data (its results would be withheld too).
      log.error("lineage could not be worked out; the statement is refused", { connectionId: ctx.session.connection.id, error: err.message });
      return {
        action: "block",
        sqlState: SqlState.InsufficientPrivilege,
        message: `Warden cannot trace which columns this statement reads, so it is refused (${err.message})`,
        reason: `lineage not worked out: ${err.message}`,
      };
    });
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
