import "server-only";
import type { PolicyVersion } from "@/drizzle/schema";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import type { PolicyVersionDto, PolicyVersionSummaryDto } from "@/lib/shared/contracts/policies";

export function toPolicyVersionSummaryDto(row: Pick<PolicyVersion, "version" | "author" | "comment" | "createdAt">): PolicyVersionSummaryDto {
  return { version: row.version, author: row.author, comment: row.comment, createdAt: row.createdAt.toISOString() };
}

/**
 * Parsed on the way out, so documents saved before a field existed come back with its default. Every
 * write goes through the schema, so a stored document that fails it is a defect, not user input: it
 * throws (a 500), as the gateway does, rather than show an editor something it would save back.
 */
export function toPolicyVersionDto(row: PolicyVersion): PolicyVersionDto {
  return { ...toPolicyVersionSummaryDto(row), connectionId: row.connectionId, document: policyDocumentSchema.parse(row.document) };
}
