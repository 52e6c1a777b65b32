import { z } from "zod";
import { STATEMENT_FLAGS } from "./statement-flags";
import { STATEMENT_KINDS } from "./statement-kind";

/**
 * A connection's policy: one zod-validated JSON document, versioned in the store and edited visually.
 * Guardrails block, approval rules hold for reviewers, masking rewrites results, access limits, and
 * recording caps what is kept of results. Pure: shared by the gateway and the console.
 */

export const ACTOR_KIND_VALUES = ["human", "agent", "service"] as const;

const name = z.string().trim().min(1, "Give it a name.").max(100);
const glob = z.string().trim().min(1).max(200);

/** Every listed criterion must hold; an empty or absent list matches anything. Lists are ORs. */
export const matchSchema = z
  .object({
    kinds: z.array(z.enum(STATEMENT_KINDS)).optional(),
    flags: z.array(z.enum(STATEMENT_FLAGS)).optional(),
    /** `schema.table` or `table`, `*` as a wildcard: `public.*`, `*.payments`. */
    relations: z.array(glob).optional(),
    actorKinds: z.array(z.enum(ACTOR_KIND_VALUES)).optional(),
    agentNames: z.array(glob).optional(),
    groups: z.array(z.string().trim().min(1)).optional(),
    applicationNames: z.array(glob).optional(),
  })
  .strict();
export type PolicyMatch = z.infer<typeof matchSchema>;

export const guardrailSchema = z
  .object({
    id: z.string().min(1),
    name,
    isEnabled: z.boolean().default(true),
    match: matchSchema,
    message: z.string().trim().min(1, "Tell the client why it was blocked.").max(500),
  })
  .strict();
export type Guardrail = z.infer<typeof guardrailSchema>;

export const approvalRuleSchema = z
  .object({
    id: z.string().min(1),
    name,
    isEnabled: z.boolean().default(true),
    match: matchSchema,
    reviewerGroups: z.array(z.string().trim().min(1)).min(1, "Name at least one reviewer group."),
    minApprovals: z.number().int().min(1).max(10).default(1),
    timeoutSeconds: z.number().int().min(10).max(24 * 60 * 60).default(15 * 60),
    /** Reviewers may approve the statement's shape (fingerprint) for the requester for a while. */
    allowGrants: z.boolean().default(true),
  })
  .strict();
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

/**
 * Blast radius: a write that changes more than a share of a table's existing rows, or more than a
 * number of rows, is rolled back and held for a reviewer with the counts (the gateway measures
 * what the statement did, inside a transaction or savepoint). At least one limit must be set.
 */
export const blastRadiusRuleSchema = z
  .object({
    id: z.string().min(1),
    name,
    isEnabled: z.boolean().default(true),
    match: matchSchema,
    /** Share of a table's rows (updated plus deleted, over the rows it had): 0.2 holds past 20%. Null: no share limit. */
    maxRowShare: z.number({ error: "Give a share of the table from 0 to 1 (0.2 is 20%)." }).min(0, "Give a share of the table from 0 to 1 (0.2 is 20%).").max(1, "Give a share of the table from 0 to 1 (0.2 is 20%).").nullable().default(0.2),
    /** The share limit applies to a table only past this many rows updated or deleted in it: a one-row fix in a three-row table is not a wide write. */
    minRows: z.number({ error: "Give a whole number of rows." }).int("Give a whole number of rows.").min(0, "Give a whole number of rows.").default(10),
    /** Existing rows changed in all (updated or deleted, in every table); inserts count toward neither limit. Null: no count limit. */
    maxRows: z.number({ error: "Give a whole number of rows." }).int("Give a whole number of rows.").min(0, "Give a whole number of rows.").nullable().default(10_000),
    reviewerGroups: z.array(z.string().trim().min(1)).min(1, "Name at least one reviewer group."),
    minApprovals: z.number().int().min(1).max(10).default(1),
    timeoutSeconds: z.number().int().min(10).max(24 * 60 * 60).default(15 * 60),
  })
  .strict()
  .refine((r) => r.maxRowShare !== null || r.maxRows !== null, { path: ["maxRows"], message: "Set a share of the table, a number of rows, or both." });
export type BlastRadiusRule = z.infer<typeof blastRadiusRuleSchema>;

export const MASKING_ALGORITHMS = ["full", "partial", "inner", "outer", "hash", "null"] as const;
export type MaskingAlgorithm = (typeof MASKING_ALGORITHMS)[number];

export const maskingMethodSchema = z
  .object({
    algorithm: z.enum(MASKING_ALGORITHMS),
    /** full: the fixed substitute; partial/inner/outer: the character that replaces hidden ones. */
    replacement: z.string().max(40).optional(),
    /** partial: characters kept at the start and end; inner/outer: the band width at each end. */
    keepFirst: z.number().int().min(0).max(64).optional(),
    keepLast: z.number().int().min(0).max(64).optional(),
  })
  .strict();
export type MaskingMethod = z.infer<typeof maskingMethodSchema>;

export const DETECTORS = ["card_number", "email", "phone", "iban", "us_ssn", "jwt", "cloud_key", "private_key"] as const;
export type Detector = (typeof DETECTORS)[number];

/** An admin's own type; one with a built-in's id (`card_number`) replaces that built-in's method. */
export const semanticTypeSchema = z
  .object({
    id: z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, "Use lowercase letters, digits and underscores."),
    label: name,
    method: maskingMethodSchema,
    /**
     * How a value computed from this type's column is masked (`reverse(email)`, `email || ''`): its
     * shape is no longer the type's, so partial masks would show the wrong characters. Absent: full.
     */
    transformedMethod: maskingMethodSchema.optional(),
  })
  .strict();

/**
 * Lineage (lib/policy/lineage): what the gateway does with result columns and writes that its
 * analysis of the statement traces to masked columns.
 * - `undetermined`: a statement (or result column) whose sources cannot be worked out: `mask` masks
 *   every column it returns that lineage cannot vouch for (numbers too); `refuse` refuses the statement.
 * - `copies`: a write that moves masked values elsewhere (INSERT … SELECT, UPDATE … SET, CREATE
 *   TABLE AS, SELECT INTO, CREATE VIEW, COPY … TO a client): held for `reviewerGroups` by default,
 *   for every kind of actor.
 * - `inference`: a statement by one of `actorKinds` that filters, joins, sorts or groups on a masked
 *   column: off by default.
 */
export const LINEAGE_UNDETERMINED_ACTIONS = ["mask", "refuse"] as const;
export const MASKED_COPY_ACTIONS = ["hold", "block", "allow"] as const;
export const MASKED_INFERENCE_ACTIONS = ["off", "hold", "block"] as const;

export const maskingLineageSchema = z
  .object({
    undetermined: z.enum(LINEAGE_UNDETERMINED_ACTIONS).default("mask"),
    copies: z.enum(MASKED_COPY_ACTIONS).default("hold"),
    inference: z.enum(MASKED_INFERENCE_ACTIONS).default("off"),
    inferenceActorKinds: z.array(z.enum(ACTOR_KIND_VALUES)).min(1, "Pick at least one kind of actor.").default(["agent"]),
    /** Who reviews a held copy or inference; the default policy's reviewers. */
    reviewerGroups: z.array(z.string().trim().min(1)).min(1, "Name at least one reviewer group.").default(["reviewer"]),
    timeoutSeconds: z.number().int().min(10).max(24 * 60 * 60).default(15 * 60),
  })
  .strict();
export type MaskingLineagePolicy = z.infer<typeof maskingLineageSchema>;
export const DEFAULT_MASKING_LINEAGE: MaskingLineagePolicy = maskingLineageSchema.parse({});

export const maskingSchema = z
  .object({
    semanticTypes: z.array(semanticTypeSchema).default([]),
    /** `schema.table.column` -> semantic type id. */
    columnRules: z
      .array(
        z
          .object({
            column: z.string().trim().regex(/^[^.\s]+\.[^.\s]+\.[^.\s]+$/, "Write it as schema.table.column."),
            semanticType: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
    /** Column-name patterns (case-insensitive globs such as `*email*`) -> semantic type id. */
    namePatterns: z.array(z.object({ pattern: glob, semanticType: z.string().min(1) }).strict()).default([]),
    detectors: z.array(z.object({ detector: z.enum(DETECTORS), isEnabled: z.boolean(), semanticType: z.string().min(1) }).strict()).default([]),
    exemptions: z
      .array(z.object({ group: z.string().trim().min(1), expiresAt: z.iso.datetime({ offset: true }).nullable(), reason: z.string().max(300).default("") }).strict())
      .default([]),
    lineage: maskingLineageSchema.default(DEFAULT_MASKING_LINEAGE),
  })
  .strict();
export type MaskingPolicy = z.infer<typeof maskingSchema>;

export const policyDocumentSchema = z
  .object({
    version: z.literal(1),
    /** What happens to a statement that does not parse, or is too large to parse. */
    failClosed: z.enum(["block", "hold"]).default("block"),
    guardrails: z.array(guardrailSchema).default([]),
    approvals: z.array(approvalRuleSchema).default([]),
    blastRadius: z.array(blastRadiusRuleSchema).default([]),
    masking: maskingSchema.default({ semanticTypes: [], columnRules: [], namePatterns: [], detectors: [], exemptions: [], lineage: DEFAULT_MASKING_LINEAGE }),
    access: z
      .object({
        isReadOnly: z.boolean().default(false),
        /** Most rows an agent's statement may return; null for no cap. */
        agentRowCap: z.number().int().min(1).nullable().default(null),
      })
      .strict()
      .default({ isReadOnly: false, agentRowCap: null }),
    recording: z
      .object({
        resultRowCap: z.number().int().min(0).max(10_000).default(100),
        resultByteCap: z.number().int().min(0).max(10_000_000).default(256 * 1024),
      })
      .strict()
      .default({ resultRowCap: 100, resultByteCap: 256 * 1024 }),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const typeIds = new Set([...BUILT_IN_SEMANTIC_TYPE_IDS, ...doc.masking.semanticTypes.map((t) => t.id)]);
    const check = (id: string, path: (string | number)[]) => {
      if (!typeIds.has(id)) ctx.addIssue({ code: "custom", path, message: `Unknown semantic type "${id}".` });
    };
    doc.masking.columnRules.forEach((r, i) => check(r.semanticType, ["masking", "columnRules", i, "semanticType"]));
    doc.masking.namePatterns.forEach((r, i) => check(r.semanticType, ["masking", "namePatterns", i, "semanticType"]));
    doc.masking.detectors.forEach((r, i) => check(r.semanticType, ["masking", "detectors", i, "semanticType"]));
    // Two definitions of one type, or two rules for one column, would leave which mask applies to
    // the order of the list: refuse them so the editor shows the conflict instead.
    const firstRepeat = (keys: string[]) => keys.findIndex((k, i) => keys.indexOf(k) !== i);
    const typeRepeat = firstRepeat(doc.masking.semanticTypes.map((t) => t.id));
    if (typeRepeat >= 0) {
      const id = doc.masking.semanticTypes[typeRepeat]!.id;
      ctx.addIssue({ code: "custom", path: ["masking", "semanticTypes", typeRepeat, "id"], message: `Semantic type "${id}" is defined twice.` });
    }
    // PostgreSQL folds unquoted names to lowercase, and masking matches rules ignoring case too.
    const ruleRepeat = firstRepeat(doc.masking.columnRules.map((r) => r.column.toLowerCase()));
    if (ruleRepeat >= 0) {
      const column = doc.masking.columnRules[ruleRepeat]!.column;
      ctx.addIssue({ code: "custom", path: ["masking", "columnRules", ruleRepeat, "column"], message: `Column "${column}" has two rules.` });
    }
    const ids = [...doc.guardrails, ...doc.approvals, ...doc.blastRadius].map((r) => r.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) ctx.addIssue({ code: "custom", path: ["guardrails"], message: `Rule id "${dup}" is used twice.` });
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

export const BUILT_IN_SEMANTIC_TYPE_IDS = ["card_number", "email", "phone", "national_id", "iban", "secret", "person_name", "address"] as const;
