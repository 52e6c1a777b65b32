import "server-only";
import type { Db } from "@/lib/db/create-db";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { evaluatePolicy } from "@/lib/policy/evaluate-policy";
import { policyDocumentSchema, type MaskingPolicy } from "@/lib/policy/policy-document";
import { issuesByPath, policyIssuesOf } from "@/lib/policy/policy-issues";
import { policyPreviewInput, type PolicyPreviewDto, type PolicyPreviewInput, type PreviewDecisionDto } from "@/lib/shared/contracts/policies";
import { ServiceError } from "../connections/service-error";
import { getCurrentPolicy } from "./get-current-policy";
import { previewLineage } from "./preview-lineage";
import { requireConnection } from "./require-connection";

/**
 * What the gateway would do with this SQL from this actor on this connection now: the same classifier
 * and the same pure evaluatePolicy the gateway runs, on the policy in force. Time-boxed grants are not
 * considered (they belong to one user and one statement shape, and expire).
 * With `secretKey` (to open the stored credential), each statement's result columns are traced on the
 * target too, with the mask each gets and what the policy's lineage options do (./preview-lineage.ts).
 */
export async function previewPolicy(db: Db, input: PolicyPreviewInput, options: { secretKey?: Buffer } = {}): Promise<PolicyPreviewDto> {
  const { connectionId, sql, actor, masking: draftMasking } = policyPreviewInput.parse(input);
  const connection = await requireConnection(db, connectionId);
  const policy = await getCurrentPolicy(db, connectionId);
  await loadClassifier();
  const classification = classifySql(sql);
  const parseError = classification.isParsed ? null : classification.error;
  const evaluation = evaluatePolicy(policy.document, { statements: classification.statements, actor, parseError });

  let decision: PreviewDecisionDto;
  if (evaluation.action === "forward") decision = { action: "forward" };
  else if (evaluation.action === "block") {
    decision = {
      action: "block",
      rule: { id: evaluation.rule.id, name: evaluation.rule.name },
      message: evaluation.message,
      sqlState: evaluation.sqlState,
      reasons: evaluation.reasons,
      statementIndex: evaluation.statementIndex,
    };
  } else {
    const { rule } = evaluation;
    decision = {
      action: "hold",
      rule: { id: rule.id, name: rule.name },
      reasons: evaluation.reasons,
      statementIndex: evaluation.statementIndex,
      reviewerGroups: rule.reviewerGroups,
      minApprovals: rule.minApprovals,
      timeoutSeconds: rule.timeoutSeconds,
      allowGrants: rule.allowGrants,
    };
  }
  // SQL that does not parse has no lineage to show; the fail-closed rule has decided already.
  const isDraftMasking = draftMasking !== undefined;
  const lineagePolicy = isDraftMasking ? { ...policy.document, masking: validateDraftMasking(draftMasking) } : policy.document;
  const lineage = options.secretKey && classification.isParsed && classification.statements.length > 0
    ? await previewLineage(options.secretKey, connection, lineagePolicy, classification.statements, actor)
    : undefined;
  return {
    connectionName: connection.name,
    policyVersion: policy.version,
    parseError,
    statements: classification.statements.map((s) => ({ sql: s.sql, kind: s.kind, command: s.command, flags: s.flags, relations: s.relations, fingerprint: s.fingerprint })),
    decision,
    ...(lineage ? { lineage } : {}),
    ...(isDraftMasking ? { isDraftMasking } : {}),
  };
}

/** A draft masking section, checked as part of a policy (so unknown semantic types are caught too). */
function validateDraftMasking(draft: unknown): MaskingPolicy {
  const result = policyDocumentSchema.safeParse({ version: 1, masking: draft });
  if (result.success) return result.data.masking;
  throw new ServiceError("The masking draft has problems; fix them to see its result columns.", 400, issuesByPath(policyIssuesOf(result.error)));
}
