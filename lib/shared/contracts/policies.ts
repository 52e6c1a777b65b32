import { z } from "zod";
import type { MaskingMethod, PolicyDocument } from "@/lib/policy/policy-document";
import type { RecordedRelation } from "./sessions";

/**
 * Policy versions and the policy preview, as the console's browser code sees them. The document itself
 * is validated by lib/policy's schema in the service, so a bad one comes back with errors keyed by JSON
 * path ("guardrails.0.name") rather than one opaque "document" error.
 */

export const savePolicyInput = z.object({
  document: z.unknown(),
  comment: z.string().trim().min(1, "Say what changed and why; it is shown in the history.").max(500, "Keep the comment under 500 characters."),
  /**
   * The version the edit started from. When someone saved a newer one meanwhile, the save is refused
   * (409) instead of silently undoing their change.
   */
  baseVersion: z.number().int().min(0).optional(),
  /** The admin confirmed a rule that matches every statement; without it such a save is refused (422). */
  confirmMatchAll: z.boolean().optional(),
});
export type SavePolicyInput = z.input<typeof savePolicyInput>;

/** Restores an earlier version's document as the next version. */
export const restorePolicyInput = z.object({
  reason: z.string().trim().max(400, "Keep the reason under 400 characters.").optional(),
  baseVersion: z.number().int().min(0).optional(),
  confirmMatchAll: z.boolean().optional(),
});
export type RestorePolicyInput = z.input<typeof restorePolicyInput>;

export type PolicyVersionSummaryDto = {
  version: number;
  author: string;
  comment: string;
  createdAt: string;
};

export type PolicyVersionDto = PolicyVersionSummaryDto & { connectionId: string; document: PolicyDocument };

/** The policy in force. A connection that never had a version saved runs the default (version 0). */
export type CurrentPolicyDto = {
  connectionId: string;
  version: number;
  document: PolicyDocument;
  isDefault: boolean;
  author: string | null;
  comment: string;
  createdAt: string | null;
};

export const PREVIEW_ACTOR_KINDS = ["human", "agent", "service"] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const policyPreviewInput = z.object({
  connectionId: z.string().uuid("Choose a connection."),
  sql: z.string().trim().min(1, "Paste the SQL to check.").max(200_000, "Keep it under 200,000 characters."),
  actor: z.object({
    userName: z.string().trim().min(1, "Enter who would run it.").max(320),
    actorKind: z.enum(PREVIEW_ACTOR_KINDS),
    agentName: optionalText(100),
    groups: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    applicationName: optionalText(200),
  }),
  /**
   * A DRAFT masking section (the policy editor's): result columns are planned, and lineage judged,
   * with it instead of the one in force; the rules' decision is still the policy in force's. Validated
   * by the policy schema in the service (errors keyed by path, "masking.lineage.timeoutSeconds").
   */
  masking: z.unknown().optional(),
});
export type PolicyPreviewInput = z.input<typeof policyPreviewInput>;

export type PreviewStatementDto = {
  sql: string;
  kind: string;
  /** Parse node type, such as "UpdateStmt". */
  command: string;
  flags: string[];
  relations: RecordedRelation[];
  fingerprint: string | null;
};

/** The rule that decided, as the editor names it; built-in rules (read-only, fail-closed) have ids of their own. */
export type PreviewRuleDto = { id: string; name: string };

export type PreviewDecisionDto =
  | { action: "forward" }
  | {
      action: "block";
      rule: PreviewRuleDto;
      message: string;
      /** What the client's ErrorResponse would carry: 42501 for guardrails. */
      sqlState: string;
      reasons: string[];
      /** The statement (index into `statements`) that decided. */
      statementIndex: number;
    }
  | {
      action: "hold";
      rule: PreviewRuleDto;
      reasons: string[];
      statementIndex: number;
      reviewerGroups: string[];
      minApprovals: number;
      timeoutSeconds: number;
      allowGrants: boolean;
    };

export type PolicyPreviewDto = {
  connectionName: string;
  /** The version evaluated; 0 when the connection runs the default policy. */
  policyVersion: number;
  /** Why the SQL did not parse (the policy's fail-closed rule then decides), or null. */
  parseError: string | null;
  statements: PreviewStatementDto[];
  decision: PreviewDecisionDto;
  /**
   * Each statement's result columns traced to their sources on the target, the mask each gets, and
   * what lineage makes of its copies and predicates. Absent where the caller did not ask for it.
   */
  lineage?: PreviewLineageDto;
  /** The lineage was worked out with the draft masking section the request carried. */
  isDraftMasking?: boolean;
};

/** A result column's sources (`schema.table.column`), as lineage found them (lib/policy/lineage/lineage-types.ts). */
export type PreviewColumnLineageDto =
  | { kind: "direct"; sources: string[] }
  /** `exemptBy`: an aggregate that reveals no value (`count`), hiding `exempted`; no sources and no exemptBy: a constant. */
  | { kind: "derived"; sources: string[]; exemptBy: string | null; exempted: string[] }
  | { kind: "undetermined"; reason: string; sources: string[] };

/** The mask a result column gets, as the gateway would apply it (lib/policy/masking/lineage-plan.ts). */
export type PreviewColumnMaskDto =
  | { kind: "none" }
  /** Fed directly by a masked column: that column's rule. */
  | { kind: "rule"; matchedBy: "column_rule" | "name_pattern"; rule: string; semanticType: string; method: MaskingMethod }
  /** Computed from masked columns: the types' mask for transformed values (the strongest of them). */
  | { kind: "transformed"; semanticTypes: string[]; sources: string[]; method: MaskingMethod }
  /** Lineage cannot vouch for it: masked in full, or the statement refused (masking.lineage.undetermined). */
  | { kind: "undetermined"; action: "mask" | "refuse"; reason: string }
  /** No rule: the content detectors look inside its values. */
  | { kind: "detectors"; detectors: string[] };

export type PreviewResultColumnDto = {
  name: string;
  /** The type as PostgreSQL writes it, when the target could describe the statement; null otherwise. */
  type: string | null;
  /** Stands for any number of columns (`*` over a set-returning function whose columns Warden cannot count). */
  isRest: boolean;
  lineage: PreviewColumnLineageDto;
  mask: PreviewColumnMaskDto;
};

/** A write that moves values (INSERT … SELECT, CREATE TABLE AS, COPY (query) TO…): where to, and from which masked columns. */
export type PreviewCopyDto = { target: string; sources: string[]; maskedSources: string[] };

export type PreviewPredicateDto = { clause: string; sources: string[]; maskedSources: string[] };

export type PreviewStatementLineageDto = {
  statementIndex: number;
  /** Null when the statement returns no rows (most writes and DDL). */
  columns: PreviewResultColumnDto[] | null;
  /** Why the statement as a whole could not be analysed, or null. */
  undetermined: string | null;
  copies: PreviewCopyDto[];
  predicates: PreviewPredicateDto[];
  /** Why the target could not describe the statement's result types (columns' types are then unknown), or null. */
  describeError: string | null;
};

/**
 * What the policy's masking.lineage section does with one statement (lib/policy/masking/judge-lineage.ts):
 * a copy of masked data ("copies masked data from customers.email"), a filter on a masked column
 * (inference), a result Warden cannot trace under `undetermined: refuse`. A block wins over a hold.
 */
export type PreviewLineageVerdictDto = {
  statementIndex: number;
  action: "hold" | "block";
  reasons: string[];
  concerns: ("copies" | "inference" | "undetermined")[];
  /** hold: who reviews it and within how long (the policy's masking.lineage). */
  reviewerGroups: string[];
  timeoutSeconds: number;
};

export type PreviewLineageDto =
  | {
      status: "resolved";
      statements: PreviewStatementLineageDto[];
      verdicts: PreviewLineageVerdictDto[];
      /** The actor's group with an active masking exemption: the gateway sends it values unmasked. */
      exemptGroup: string | null;
    }
  /** The target could not be reached or read: the rest of the preview stands. */
  | { status: "unavailable"; message: string };

/** Most sample rows a masking preview reads from the target. */
export const MASKING_PREVIEW_MAX_ROWS = 20;

/**
 * A live preview of a DRAFT masking section on sample rows of one table. The draft is validated by
 * the policy schema in the service (errors keyed by path, "masking.columnRules.0.column").
 */
export const maskingPreviewInput = z.object({
  masking: z.unknown(),
  table: z.object({
    schema: z.string().min(1, "Choose a table.").max(200),
    name: z.string().min(1, "Choose a table.").max(200),
  }),
  limit: z.number().int().min(1).max(MASKING_PREVIEW_MAX_ROWS).default(10),
});
export type MaskingPreviewInput = z.input<typeof maskingPreviewInput>;

/** Why a value was masked: the column's rule or name pattern, or the content detectors that fired. */
export type MaskingPreviewReasonDto =
  | { matchedBy: "column_rule" | "name_pattern"; semanticType: string; rule: string }
  | { matchedBy: "detector"; semanticTypes: string[]; detectors: string[] };

export type MaskingPreviewColumnDto = {
  name: string;
  /** The type as PostgreSQL writes it ("text", "character varying(200)"). */
  type: string;
  /** Where the column comes from, `schema.table.column` (a view's column: the table column it shows too). */
  sources: string[];
  /** The column rule or name pattern that masks the whole column, or null. */
  rule: { matchedBy: "column_rule" | "name_pattern"; semanticType: string; rule: string } | null;
  /** Content detectors look inside this column's values (no rule, detectors on, a type that can hold text). */
  isSearched: boolean;
  /**
   * Why the column's semantic type seems not to fit its data ("None of the 10 sample values looks like
   * an email address."), judged on the server from the unmasked sample and the column's type; null when
   * it fits or there is nothing to judge. Never quotes a value.
   */
  fitWarning: string | null;
};

/** A cell as masking leaves it: the masked value (null for SQL NULL) and why it was masked, if it was. */
export type MaskingPreviewCellDto = { value: string | null; masked: MaskingPreviewReasonDto | null };

/**
 * Sample rows of a table, masked on the server with the draft exactly as the gateway would mask them
 * for a session without an exemption. Nothing in it was left unmasked that the draft masks.
 */
export type MaskingPreviewDto = {
  table: { schema: string; name: string; kind: string };
  columns: MaskingPreviewColumnDto[];
  rows: MaskingPreviewCellDto[][];
  limit: number;
};
