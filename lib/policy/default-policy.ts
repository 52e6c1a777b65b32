import { DETECTORS, policyDocumentSchema, type BlastRadiusRule, type Detector, type PolicyDocument } from "./policy-document";

/** Which semantic type each content detector masks as. */
export const DETECTOR_SEMANTIC_TYPES: Readonly<Record<Detector, string>> = {
  card_number: "card_number",
  email: "email",
  phone: "phone",
  iban: "iban",
  us_ssn: "national_id",
  jwt: "secret",
  cloud_key: "secret",
  private_key: "secret",
};

/** Secrets and payment data are caught anywhere by default; emails and phones only where a rule says so. */
const DEFAULT_DETECTORS_ON: Detector[] = ["card_number", "iban", "us_ssn", "jwt", "cloud_key", "private_key"];

function detectors(on: readonly Detector[]) {
  return DETECTORS.map((detector) => ({ detector, isEnabled: on.includes(detector), semanticType: DETECTOR_SEMANTIC_TYPES[detector] }));
}

/**
 * The policy a new connection starts with. For everyone: block DROP DATABASE, ALTER SYSTEM, COPY …
 * PROGRAM and dangerous functions. For agents: hold every write and DDL for a reviewer. For humans:
 * hold UPDATE/DELETE without WHERE, DROP and TRUNCATE, and any write that changes more than 20% of a
 * table's rows (past 10 rows) or more than 10,000 rows (measured by the gateway, blast-radius.ts).
 */
export function defaultPolicy(): PolicyDocument {
  return policyDocumentSchema.parse({
    version: 1,
    failClosed: "block",
    guardrails: [
      {
        id: "block-drop-database",
        name: "No DROP DATABASE",
        match: { flags: ["drop_database"] },
        message: "DROP DATABASE is not allowed through Warden.",
      },
      {
        id: "block-alter-system",
        name: "No ALTER SYSTEM",
        match: { flags: ["alter_system"] },
        message: "ALTER SYSTEM changes the server's configuration and is not allowed through Warden.",
      },
      {
        id: "block-copy-program",
        name: "No COPY … PROGRAM or server files",
        match: { flags: ["copy_program", "copy_server_file"] },
        message: "COPY to or from a program or a server-side file is not allowed through Warden; use COPY … FROM STDIN / TO STDOUT.",
      },
      {
        id: "block-dangerous-functions",
        name: "No dangerous functions",
        match: { flags: ["dangerous_function"] },
        message: "This statement calls a function that reads server files, moves large objects, opens other connections or controls backends; it is not allowed through Warden.",
      },
    ],
    approvals: [
      {
        id: "hold-agent-writes",
        name: "Agents' writes and DDL need a reviewer",
        match: { actorKinds: ["agent"], kinds: ["write", "ddl", "dcl", "admin", "procedural"] },
        reviewerGroups: ["reviewer"],
        minApprovals: 1,
        timeoutSeconds: 15 * 60,
        allowGrants: true,
      },
      {
        id: "hold-destructive",
        name: "Destructive statements need a reviewer",
        match: { actorKinds: ["human", "service"], flags: ["write_without_where", "drop", "truncate"] },
        reviewerGroups: ["reviewer"],
        minApprovals: 1,
        timeoutSeconds: 15 * 60,
        allowGrants: true,
      },
    ],
    blastRadius: [
      { id: "hold-large-writes", name: "Writes that change much of a table need a reviewer", isEnabled: true, ...defaultBlastRadiusLimits() },
    ],
    masking: { semanticTypes: [], columnRules: [], namePatterns: [], detectors: detectors(DEFAULT_DETECTORS_ON), exemptions: [] },
  });
}

/** A blast-radius rule's limits as Warden proposes them: a human's write past 20% of a table (after 10 rows) or 10,000 rows. */
export function defaultBlastRadiusLimits(): Omit<BlastRadiusRule, "id" | "name" | "isEnabled"> {
  return { match: { actorKinds: ["human"] }, maxRowShare: 0.2, minRows: 10, maxRows: 10_000, reviewerGroups: ["reviewer"], minApprovals: 1, timeoutSeconds: 15 * 60 };
}

/** The demo connection: the default, plus its customers' personal data masked by column and every detector on. */
export function demoPolicy(): PolicyDocument {
  const policy = defaultPolicy();
  return policyDocumentSchema.parse({
    ...policy,
    masking: {
      ...policy.masking,
      columnRules: [
        { column: "public.customers.email", semanticType: "email" },
        { column: "public.customers.phone", semanticType: "phone" },
        { column: "public.customers.card_number", semanticType: "card_number" },
        { column: "public.customers.national_id", semanticType: "national_id" },
      ],
      detectors: detectors(DETECTORS),
    },
  });
}
