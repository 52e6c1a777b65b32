import type { z } from "zod";
import { policyDocumentSchema, type PolicyDocument } from "./policy-document";

/**
 * Validation problems of a policy document, keyed by JSON path ("guardrails.0.match.flags"), so the
 * visual editor shows each next to its field and the raw JSON view lists them with their path. The
 * server answers a bad save with the same keys. Pure: used in the browser and on the server.
 */

export type PolicyIssue = { path: string; message: string };

/** The key of the document as a whole (issues without a path). */
export const DOCUMENT_PATH = "document";

export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? DOCUMENT_PATH : path.map(String).join(".");
}

type ZodIssue = z.core.$ZodIssue;

/** Zod's own messages ("Too small: expected number to be >=1") rephrased for people editing a form. */
function readableMessage(issue: ZodIssue): string {
  const isDefault = /^(Too small|Too big|Invalid input|Invalid option|Unrecognized key)/.test(issue.message);
  if (!isDefault) return issue.message;
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "Fill this in." : `Use at least ${issue.minimum} characters.`;
      if (issue.origin === "array") return `Choose at least ${issue.minimum}.`;
      return `Use ${issue.minimum} or more.`;
    case "too_big":
      if (issue.origin === "string") return `Use at most ${issue.maximum} characters.`;
      if (issue.origin === "array") return `Choose at most ${issue.maximum}.`;
      return `Use ${issue.maximum} or less.`;
    case "invalid_type":
      if (issue.expected === "number" || issue.expected === "int") return "Enter a whole number.";
      // Zod leaves the input out of issues unless asked; its default message names what it received.
      return /received undefined/.test(issue.message) ? "This is required." : `Expected ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}.`;
    case "invalid_value":
      return `Use one of: ${issue.values.map((v) => String(v)).join(", ")}.`;
    case "unrecognized_keys":
      return `Unknown ${issue.keys.length === 1 ? "field" : "fields"}: ${issue.keys.join(", ")}.`;
    default:
      return issue.message;
  }
}

export function policyIssuesOf(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), message: readableMessage(issue) }));
}

/** One message per path (the first), as forms show them. */
export function issuesByPath(issues: readonly PolicyIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path] ??= issue.message;
  return out;
}

export type PolicyValidation = { isValid: true; document: PolicyDocument; issues: [] } | { isValid: false; issues: PolicyIssue[] };

export function validatePolicyDocument(input: unknown): PolicyValidation {
  const result = policyDocumentSchema.safeParse(input);
  return result.success ? { isValid: true, document: result.data, issues: [] } : { isValid: false, issues: policyIssuesOf(result.error) };
}
