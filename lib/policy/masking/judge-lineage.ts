import type { ColumnLineage, CopyFlow, CopyTarget, LineageSource, StatementLineage } from "../lineage/lineage-types";
import type { PolicyActor } from "../match-rule";
import type { PolicyDocument } from "../policy-document";
import type { CompiledMaskingPolicy } from "./column-plan";
import { findActiveExemption } from "./exemptions";
import { findMaskedSources, type MaskedSource } from "./lineage-plan";

/** What a statement's lineage raised: copies of masked data, inference on masked columns, undetermined results. */
export type LineageConcern = "copies" | "inference" | "undetermined";

export type LineageVerdict = { action: "forward" } | { action: "hold" | "block"; reasons: string[]; concerns: LineageConcern[] };

/**
 * Judges a statement's lineage by the policy's `masking.lineage` section (the masks themselves are
 * lineage-plan.ts's):
 * - copies: a write that moves masked values elsewhere (`copies masked data from customers.email`),
 *   held or blocked for every actor; not a copy: into a column whose own rule has the same semantic
 *   type (it stays masked there), or into a temporary table made by the statement (the session's
 *   reads of it keep the sources' masks). Code whose writes lineage cannot see (a DO block, CALL, a
 *   user function that may write) counts as a possible copy (`may copy masked data: …`);
 * - inference: a statement by one of `inferenceActorKinds` whose predicates use a masked column
 *   (`filters on masked column customers.email (where)`), when the option is on;
 * - undetermined, with `refuse`: a result column Warden cannot trace, on a connection with column
 *   rules or name patterns (without them nothing depends on where a column comes from).
 * A block wins over a hold; the reasons of every concern raised are listed. A session under a masking
 * exemption sees clear values: inference and undetermined results ask nothing of it (copies still do,
 * since others read the copy).
 */
export function judgeLineage(policy: PolicyDocument, lineage: StatementLineage, actor: PolicyActor, compiled: CompiledMaskingPolicy, now = new Date()): LineageVerdict {
  if (!compiled.matchesColumns) return { action: "forward" };
  const settings = policy.masking.lineage;
  const isExempt = findActiveExemption(actor.groups, policy.masking.exemptions, now) !== null;
  const blocks: { reason: string; concern: LineageConcern }[] = [];
  const holds: { reason: string; concern: LineageConcern }[] = [];
  const raise = (action: "hold" | "block" | "allow" | "off", concern: LineageConcern, reasons: string[]) => {
    if (action === "hold") holds.push(...reasons.map((reason) => ({ reason, concern })));
    if (action === "block") blocks.push(...reasons.map((reason) => ({ reason, concern })));
  };

  if (settings.undetermined === "refuse" && !isExempt) raise("block", "undetermined", describeUndetermined(lineage));
  const copied = findCopiedSources(compiled, lineage.copies);
  if (copied.length > 0) raise(settings.copies, "copies", [`copies masked data from ${copied.join(", ")}`]);
  // Code whose writes lineage cannot see may copy masked data just as well: the same setting decides.
  const untraced = lineage.untracedCode ?? [];
  if (untraced.length > 0) raise(settings.copies, "copies", untraced.map((why) => `may copy masked data: ${why}`));
  if (settings.inference !== "off" && !isExempt && settings.inferenceActorKinds.includes(actor.actorKind)) {
    raise(settings.inference, "inference", describeInference(compiled, lineage));
  }

  const raised = blocks.length > 0 ? { action: "block" as const, list: [...blocks, ...holds] } : holds.length > 0 ? { action: "hold" as const, list: holds } : null;
  if (!raised) return { action: "forward" };
  return { action: raised.action, reasons: [...new Set(raised.list.map((r) => r.reason))], concerns: [...new Set(raised.list.map((r) => r.concern))] };
}

/**
 * Whether a statement may compute values from masked data, which a server message could echo
 * (maskServerMessage): it evaluates a column with a rule or name pattern anywhere (`touched`), or
 * Warden cannot tell (undetermined, code it cannot see). False on a connection without column
 * rules or name patterns.
 */
export function touchesMaskedData(compiled: CompiledMaskingPolicy, lineage: StatementLineage): boolean {
  if (!compiled.matchesColumns) return false;
  if (lineage.undetermined !== null || (lineage.untracedCode?.length ?? 0) > 0) return true;
  if (lineage.columns?.some((c) => c.lineage.kind === "undetermined")) return true;
  return findMaskedSources(compiled, lineage.touched ?? []).length > 0;
}

/** `customers.email`: how reasons name a column (the schema is in the rule). */
function shortName(s: LineageSource): string {
  return `${s.table}.${s.column}`;
}

function sourcesOf(lineage: ColumnLineage): readonly LineageSource[] {
  // An exempt aggregate (`count(email)`) keeps what it hides in `exempted`, not in `sources`.
  return lineage.sources;
}

/** The masked columns the writes copy, as `customers.email`, in order of first appearance. */
export function findCopiedSources(m: CompiledMaskingPolicy, copies: readonly CopyFlow[]): string[] {
  const out = new Set<string>();
  for (const flow of copies) {
    if (flow.target.kind === "new_relation" && flow.target.isTemporary) continue;
    const masked = findMaskedSources(m, sourcesOf(flow.lineage));
    if (masked.length === 0) continue;
    const kept = targetSemanticTypes(m, flow.target);
    for (const s of masked) if (!kept.has(s.match.semanticType)) out.add(shortName(s.source));
  }
  return [...out];
}

/**
 * The semantic types a write's target column is itself masked as: a column rule on it (an
 * unqualified table may be in any schema, so any schema's rule counts), or a name pattern on its name.
 */
function targetSemanticTypes(m: CompiledMaskingPolicy, target: CopyTarget): Set<string> {
  const types = new Set<string>();
  if (target.kind !== "column" || target.column === null) return types;
  const { table, column } = target;
  if (target.schema !== null) {
    const hit = m.matcher({ schema: target.schema, table, column }, column);
    if (hit) types.add(hit.semanticType);
    return types;
  }
  const suffix = `.${table}.${column}`.toLowerCase();
  for (const r of m.masking.columnRules) if (r.column.toLowerCase().endsWith(suffix)) types.add(r.semanticType);
  const byName = m.matcher(null, column);
  if (byName) types.add(byName.semanticType);
  return types;
}

/** `filters on masked column customers.email (where)`, once per column and clause. */
function describeInference(m: CompiledMaskingPolicy, lineage: StatementLineage): string[] {
  const out = new Set<string>();
  for (const use of lineage.predicates) {
    for (const s of findMaskedSources(m, use.sources)) out.add(`filters on masked column ${shortName(s.source)} (${use.clause})`);
  }
  return [...out];
}

/** Why results (or writes) cannot be traced, one reason per column. */
function describeUndetermined(lineage: StatementLineage): string[] {
  if (lineage.undetermined !== null) return [`Warden cannot tell which columns feed this statement's result (${lineage.undetermined})`];
  const out: string[] = [];
  lineage.columns?.forEach((c, i) => {
    if (c.lineage.kind === "undetermined") out.push(`Warden cannot tell which columns feed result column ${i + 1} (${c.lineage.reason})`);
  });
  for (const flow of lineage.copies) {
    if (flow.lineage.kind === "undetermined") out.push(`Warden cannot tell which columns feed the write into ${describeTarget(flow.target)} (${flow.lineage.reason})`);
  }
  return out;
}

function describeTarget(t: CopyTarget): string {
  switch (t.kind) {
    case "client":
      return "the client";
    case "column":
      return `${t.schema ? `${t.schema}.` : ""}${t.table}${t.column ? `.${t.column}` : ""}`;
    case "new_relation":
      return `${t.schema ? `${t.schema}.` : ""}${t.name}`;
    case "server_file":
      return t.isProgram ? "a program on the server" : "a file on the server";
  }
}
