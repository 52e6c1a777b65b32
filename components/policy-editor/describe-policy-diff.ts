import { describeMatch } from "@/lib/policy/describe-match";
import type { PolicyDiffChange, PolicyDiffEntry } from "@/lib/policy/diff-policy-documents";
import type { PolicyMatch } from "@/lib/policy/policy-document";
import { describeMaskingChange, type MaskingDocs } from "./describe-masking-change";

/**
 * The History view's reading of a diff: changes grouped by rule ("Guardrail “No TRUNCATE”: added",
 * "Approval rule “Agents' writes”: minApprovals 1 → 2"), then the connection-wide settings. Masking's
 * column rules, patterns, detectors, types and exemptions read as sentences (describe-masking-change.ts),
 * naming types as the two documents, when given, define them. Pure.
 */

export type DiffLine = { change: PolicyDiffChange; field: string | null; text: string };
export type DiffGroup = { key: string; title: string; change: PolicyDiffChange; lines: DiffLine[] };

const SECTION_LABELS: Record<string, string> = {
  guardrails: "Guardrails",
  approvals: "Approval rules",
  blastRadius: "Blast-radius limits",
  masking: "Masking",
  access: "Access",
  recording: "Recording",
  failClosed: "Unclassifiable statements",
  version: "Document format",
};

const ITEM_NOUNS: Record<string, string> = {
  guardrails: "Guardrail",
  approvals: "Approval rule",
  blastRadius: "Blast-radius limit",
  "masking.semanticTypes": "Semantic type",
  "masking.columnRules": "Column rule",
  "masking.namePatterns": "Column-name pattern",
  "masking.detectors": "Detector",
  "masking.exemptions": "Exemption",
};

export function formatDiffValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return `“${value}”`;
  if (typeof value === "number" || typeof value === "boolean") return String(value === true ? "yes" : value === false ? "no" : value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) return value.length ? value.map((v) => String(v)).join(", ") : "(empty)";
  const json = JSON.stringify(value);
  return json.length > 160 ? `${json.slice(0, 157)}…` : json;
}

const matchOf = (value: unknown): PolicyMatch | undefined =>
  typeof value === "object" && value !== null && "match" in value ? ((value as { match: PolicyMatch }).match ?? undefined) : undefined;

function lineFor(entry: PolicyDiffEntry, field: string | null): DiffLine {
  const { change } = entry;
  if (change === "moved") return { change, field, text: `Moved from position ${entry.before} to ${entry.after}` };
  if (field === null) {
    const match = matchOf(change === "removed" ? entry.before : entry.after);
    const verb = change === "added" ? "Added" : change === "removed" ? "Removed" : "Changed";
    return { change, field, text: match ? `${verb}: ${describeMatch(match)}` : change === "changed" ? `${formatDiffValue(entry.before)} → ${formatDiffValue(entry.after)}` : verb };
  }
  if (change === "added") return { change, field, text: `set to ${formatDiffValue(entry.after)}` };
  if (change === "removed") return { change, field, text: `removed (was ${formatDiffValue(entry.before)})` };
  return { change, field, text: `${formatDiffValue(entry.before)} → ${formatDiffValue(entry.after)}` };
}

export function describePolicyDiff(entries: readonly PolicyDiffEntry[], docs?: MaskingDocs): DiffGroup[] {
  const groups = new Map<string, DiffGroup>();
  for (const entry of entries) {
    let key: string;
    let title: string;
    let field: string | null;
    if (entry.item) {
      const marker = `[${entry.item.key}]`;
      const at = entry.path.indexOf(marker);
      const listPath = entry.path.slice(0, at);
      key = entry.path.slice(0, at + marker.length);
      title = `${ITEM_NOUNS[listPath] ?? "Item"} “${entry.item.name}”`;
      field = entry.path.slice(at + marker.length).replace(/^\./, "") || null;
    } else {
      key = entry.section;
      title = SECTION_LABELS[entry.section] ?? (entry.section || "Document");
      field = entry.path.includes(".") ? entry.path.slice(entry.path.indexOf(".") + 1) : entry.path === entry.section ? null : entry.path;
    }
    const group = groups.get(key) ?? { key, title, change: entry.change, lines: [] };
    // A group is "added"/"removed"/"moved" only when that is all that happened to it.
    if (group.lines.length > 0 && group.change !== entry.change) group.change = "changed";
    const sentence = describeMaskingChange(entry, field, docs);
    const line = sentence === null ? lineFor(entry, field) : { change: entry.change, field: null, text: sentence };
    // One sentence can stand for several entries (a type's method: its algorithm and what it keeps).
    if (!group.lines.some((l) => l.field === line.field && l.text === line.text)) group.lines.push(line);
    groups.set(key, group);
  }
  return [...groups.values()];
}
