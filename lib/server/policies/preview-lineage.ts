import "server-only";
import type pg from "pg";
import type { Connection } from "@/drizzle/schema";
import { deriveMaskingKey } from "@/lib/crypto/masking-key";
import { resolveLineage } from "@/lib/db/lineage-catalog";
import type { DescribedField } from "@/lib/db/target-catalog";
import { compileMaskingPolicy, findActiveExemption } from "@/lib/policy/masking";
import { judgeLineage } from "@/lib/policy/masking/judge-lineage";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import type { PolicyActor } from "@/lib/policy/match-rule";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { PreviewLineageDto, PreviewLineageVerdictDto, PreviewStatementLineageDto } from "@/lib/shared/contracts/policies";
import { connectTarget, describeConnectError, targetParamsOf } from "../connections/connect-target";
import { describeStatement, inSavepoint, targetCatalogOf } from "./describe-statement";
import { traceStatement, type DescribedResult } from "./trace-preview-columns";

/** How long the preview waits for the target: it answers a person waiting on a page. */
const CONNECT_TIMEOUT_MS = 4000;

/**
 * Each statement's result columns traced to their sources on the target, as the gateway traces them
 * (lib/db/lineage-catalog.ts over the target's catalog), with the mask the policy gives each
 * (lib/policy/masking/lineage-plan.ts) and what its masking.lineage section does with the statement
 * (judge-lineage.ts). The console connects with the stored credential in a read-only transaction
 * with short timeouts; the statements are only described (Parse/Describe), never run. When the
 * target cannot be reached or read, it says so and the rest of the preview stands.
 */
export async function previewLineage(
  secretKey: Buffer,
  connection: Connection,
  policy: PolicyDocument,
  statements: readonly { sql: string }[],
  actor: PolicyActor,
  now = new Date(),
): Promise<PreviewLineageDto> {
  const compiled = compileMaskingPolicy(policy.masking, createNodeMaskingContext(deriveMaskingKey(secretKey)));
  const params = targetParamsOf(secretKey, connection);
  let client: pg.Client;
  try {
    client = (await connectTarget(params, { timeoutMs: CONNECT_TIMEOUT_MS })).client;
  } catch (err) {
    return { status: "unavailable", message: `Cannot reach ${connection.name}: ${describeConnectError(err, params).error}` };
  }
  try {
    await client.query("begin transaction read only");
    await client.query("set local statement_timeout = '5s'");
    await client.query("set local lock_timeout = '2s'");
    const target = targetCatalogOf(client);
    const typeNames = new Map<number, string>();
    const traced: PreviewStatementLineageDto[] = [];
    const verdicts: PreviewLineageVerdictDto[] = [];
    for (const [statementIndex, { sql }] of statements.entries()) {
      const lineage = await resolveLineage(sql, target);
      const described = await describeResult(client, sql);
      await loadTypeNames(client, described.fields, typeNames);
      traced.push(traceStatement(compiled, policy, statementIndex, lineage, described, typeNames));
      const verdict = judgeLineage(policy, lineage, actor, compiled, now);
      if (verdict.action !== "forward") {
        const { reviewerGroups, timeoutSeconds } = policy.masking.lineage;
        verdicts.push({ statementIndex, action: verdict.action, reasons: verdict.reasons, concerns: verdict.concerns, reviewerGroups, timeoutSeconds });
      }
    }
    const exemption = findActiveExemption(actor.groups, policy.masking.exemptions, now);
    return { status: "resolved", statements: traced, verdicts, exemptGroup: exemption?.group ?? null };
  } catch (err) {
    return { status: "unavailable", message: `Cannot read ${connection.name}'s catalog: ${describeReadError(err)}` };
  } finally {
    await client.query("rollback").catch(() => {});
    await client.end().catch(() => {});
  }
}

/** The statement's result columns and types, as the target describes it; a statement it cannot describe (a missing table) says why. */
async function describeResult(client: pg.Client, sql: string): Promise<DescribedResult> {
  try {
    return { fields: await inSavepoint(client, () => describeStatement(client, sql)), error: null };
  } catch (err) {
    return { fields: null, error: describeReadError(err) };
  }
}

async function loadTypeNames(client: pg.Client, fields: readonly DescribedField[] | null, known: Map<number, string>): Promise<void> {
  const missing = [...new Set((fields ?? []).map((f) => f.typeOid))].filter((oid) => !known.has(oid));
  if (missing.length === 0) return;
  const { rows } = await client.query<{ oid: number; name: string }>(`select t.oid::int4 as oid, pg_catalog.format_type(t.oid, null) as name from unnest($1::pg_catalog.oid[]) as t(oid)`, [missing]);
  for (const r of rows) known.set(Number(r.oid), r.name);
}

/** Only messages that name objects, not data, are passed on (as the masking preview does). */
function describeReadError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code && (e.code.startsWith("42") || e.code === "57014" || e.code === "55P03")) return `${e.message} (SQLSTATE ${e.code})`;
  return e.code ? `the server answered SQLSTATE ${e.code}` : (e.message ?? "the connection failed");
}
