import type { PolicyActor } from "@/lib/policy/evaluate-policy";
import { compileMaskingPolicy, judgeLineage, type CompiledMaskingPolicy, type LineageVerdict } from "@/lib/policy/masking";
import type { StatementLineage } from "@/lib/policy/lineage/lineage-types";
import type { ApprovalRule, MaskingPolicy, PolicyDocument } from "@/lib/policy/policy-document";
import type { StatementContext } from "../hooks/gateway-hooks";
import { parseCopyStatement } from "../masking/copy-statement";
import type { LineageService } from "./lineage-service";

type Maybe<T> = T | Promise<T>;

const FORWARD: LineageVerdict = { action: "forward" };

/**
 * Judging needs the policy's rules and patterns, never a value's mask: compiled without the keyed
 * hash, once per policy document (the policy cache keeps one object per version).
 */
const NO_HASH = { hmac: (): string => { throw new Error("lineage judgement masks no value"); } };
const compiledByMasking = new WeakMap<MaskingPolicy, CompiledMaskingPolicy>();
const verdicts = new WeakMap<StatementLineage, { policy: PolicyDocument; actorKind: PolicyActor["actorKind"]; isTableCopy: boolean; verdict: LineageVerdict }>();

function compiledOf(masking: MaskingPolicy): CompiledMaskingPolicy {
  let c = compiledByMasking.get(masking);
  if (!c) compiledByMasking.set(masking, (c = compileMaskingPolicy(masking, NO_HASH)));
  return c;
}

/**
 * A statement's lineage judged by the policy (lib/policy/masking/judge-lineage.ts): synchronous
 * when the connection has no column rules or name patterns (nothing to trace: pgbench's path), for
 * text Warden could not parse (the policy's fail-closed rule judges it), and when the lineage is
 * cached. COPY of a table (not a query) to the client is no copy: the writes are
 * `COPY (query) TO`, and a table's COPY is masked on the way like a SELECT.
 */
export function judgeStatementLineage(service: LineageService, policy: PolicyDocument, ctx: StatementContext, actor: PolicyActor): Maybe<LineageVerdict> {
  if (ctx.parseError !== null) return FORWARD;
  const compiled = compiledOf(policy.masking);
  if (!compiled.matchesColumns) return FORWARD;
  const judge = (lineage: StatementLineage) => {
    const isTableCopy = ctx.classification.command === "CopyStmt" && parseCopyStatement(ctx.sql)?.source.kind === "relation";
    // A cached lineage is one object per statement shape: its verdict is kept with it while the
    // policy and the actor's kind are the same (exemptions depend on the clock: not kept then).
    const isKept = policy.masking.exemptions.length === 0;
    const kept = isKept ? verdicts.get(lineage) : undefined;
    if (kept && kept.policy === policy && kept.actorKind === actor.actorKind && kept.isTableCopy === isTableCopy) return kept.verdict;
    const judged = isTableCopy ? { ...lineage, copies: lineage.copies.filter((c) => c.target.kind !== "client") } : lineage;
    const verdict = judgeLineage(policy, judged, actor, compiled);
    if (isKept) verdicts.set(lineage, { policy, actorKind: actor.actorKind, isTableCopy, verdict });
    return verdict;
  };
  const lineage = service.lineageOf(ctx);
  return lineage instanceof Promise ? lineage.then(judge) : judge(lineage);
}

/** The approval rule a lineage hold runs under: the policy's lineage reviewers, no grants (each copy is seen). */
export function lineageApprovalRule(policy: PolicyDocument, verdict: Exclude<LineageVerdict, { action: "forward" }>): ApprovalRule {
  const isCopy = verdict.concerns.includes("copies");
  const settings = policy.masking.lineage;
  return {
    id: isCopy ? "masked-copies" : "masked-inference",
    name: isCopy ? "Copies of masked data" : "Inference on masked data",
    isEnabled: true,
    match: {},
    reviewerGroups: settings.reviewerGroups,
    minApprovals: 1,
    timeoutSeconds: settings.timeoutSeconds,
    allowGrants: false,
  };
}

/** The name a lineage refusal goes by, for the statement's record. */
export function lineageBlockName(verdict: Exclude<LineageVerdict, { action: "forward" }>): string {
  if (verdict.concerns[0] === "undetermined") return "Undetermined lineage";
  return verdict.concerns[0] === "copies" ? "Copies of masked data" : "Inference on masked data";
}
