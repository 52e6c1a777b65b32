import "server-only";
import pg from "pg";
import { deriveMaskingKey } from "@/lib/crypto/masking-key";
import type { Db } from "@/lib/db/create-db";
import { columnSources, loadRelations, MAX_VIEW_DEPTH, ViewNestingError, type DescribedField, type TargetCatalogQueries } from "@/lib/db/target-catalog";
import {
  compileMaskingPolicy,
  maskColumnText,
  matchColumn,
  planColumn,
  textValueClass,
  type ColumnPlan,
  type CompiledMaskingPolicy,
  type ColumnSource,
  type RuleMatch,
  type ValueClass,
} from "@/lib/policy/masking";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { judgeSemanticFit } from "@/lib/policy/masking/semantic-fit";
import { policyDocumentSchema, type MaskingPolicy } from "@/lib/policy/policy-document";
import { issuesByPath, policyIssuesOf } from "@/lib/policy/policy-issues";
import {
  maskingPreviewInput,
  type MaskingPreviewCellDto,
  type MaskingPreviewColumnDto,
  type MaskingPreviewDto,
  type MaskingPreviewInput,
} from "@/lib/shared/contracts/policies";
import { connectTarget, describeConnectError, targetParamsOf } from "../connections/connect-target";
import { ServiceError } from "../connections/service-error";
import { requireConnection } from "./require-connection";

const RELKINDS: Record<string, string> = { r: "table", v: "view", m: "materialized view", f: "foreign table", p: "partitioned table" };

/**
 * What the gateway would send a client (one without an exemption) for sample rows of a table, under
 * a DRAFT masking section: the server connects to the target with the stored credential, reads
 * `select * from schema.table limit N` in a read-only transaction, and masks every value with the
 * same library, the same column identity (a view's columns traced to their tables, a partition's to
 * its root) and the same keyed-hash key as the gateway. Only masked values leave this function;
 * anything that goes wrong fails closed, with no row in the answer.
 */
export async function previewMasking(db: Db, secretKey: Buffer, connectionId: string, input: MaskingPreviewInput): Promise<MaskingPreviewDto> {
  const { masking: draft, table, limit } = maskingPreviewInput.parse(input);
  const masking = validateMasking(draft);
  const row = await requireConnection(db, connectionId);
  const compiled = compileMaskingPolicy(masking, createNodeMaskingContext(deriveMaskingKey(secretKey)));

  const params = targetParamsOf(secretKey, row);
  let client: pg.Client;
  try {
    client = (await connectTarget(params)).client;
  } catch (err) {
    throw new ServiceError(`Cannot read sample rows: ${describeConnectError(err, params).error}`, 422);
  }
  try {
    // Read-only, and short: a view's definition runs here too, and it must not change anything or wait long.
    await client.query("begin transaction read only");
    await client.query("set local statement_timeout = '10s'");
    await client.query("set local lock_timeout = '2s'");
    const relation = await findRelation(client, table.schema, table.name);
    const qualified = `${pg.escapeIdentifier(relation.schema)}.${pg.escapeIdentifier(relation.name)}`;
    const sample = await readAsText(client, `select * from ${qualified} limit ${limit}`, `Cannot read sample rows of ${relation.schema}.${relation.name}`);
    const origins = sample.fields.filter((f) => f.tableID !== 0);
    const relations = await traceRelations(client, [...new Set(origins.map((f) => f.tableID))]);
    const typeNames = await loadTypeNames(client, sample.fields);

    const classes = sample.fields.map((f) => textValueClass(f.dataTypeID));
    const plans = sample.fields.map((f, i) => planPreviewColumn(compiled, columnSources(relations, f.tableID, f.columnID), f.name, classes[i]!));
    const columns: MaskingPreviewColumnDto[] = sample.fields.map((f, i) => {
      const plan = plans[i]!;
      const type = typeNames.get(`${f.dataTypeID}/${f.dataTypeModifier}`) ?? "unknown";
      return {
        name: f.name,
        type,
        sources: plan.sources.map((s) => `${s.schema}.${s.table}.${s.column}`),
        rule: plan.kind === "rule" ? { matchedBy: plan.match.matchedBy, semanticType: plan.type.id, rule: plan.match.rule } : null,
        isSearched: plan.kind === "detect",
        // Judged on the unmasked sample here, where it is; only the sentence leaves.
        fitWarning:
          plan.kind === "rule"
            ? judgeSemanticFit({ typeId: plan.type.id, typeLabel: plan.type.label, valueClass: classes[i]!, columnType: type, values: sample.rows.map((row) => row[i] ?? null) })
            : null,
      };
    });
    const rows = sample.rows.map((values) => values.map((value, i) => maskCell(value, plans[i]!, compiled)));
    return { table: { schema: relation.schema, name: relation.name, kind: relation.kind }, columns, rows, limit };
  } finally {
    await client.query("rollback").catch(() => {});
    await client.end().catch(() => {});
  }
}

/** The draft's masking section, checked as part of a policy (so unknown semantic types are caught too). */
function validateMasking(draft: unknown): MaskingPolicy {
  const result = policyDocumentSchema.safeParse({ version: 1, masking: draft });
  if (result.success) return result.data.masking;
  throw new ServiceError("The masking draft has problems; fix them to see the preview.", 400, issuesByPath(policyIssuesOf(result.error)));
}

/** A table's own column is matched by a rule or a pattern, never by lineage (matchColumn returns a RuleMatch). */
type PreviewColumnPlan = (Exclude<ColumnPlan, { kind: "rule" }> | (Extract<ColumnPlan, { kind: "rule" }> & { match: RuleMatch })) & { sources: ColumnSource[] };

/** As the gateway plans a result column in text format: the same matching and planning (lib/policy/masking/column-plan.ts). */
function planPreviewColumn(m: CompiledMaskingPolicy, sources: ColumnSource[], resultName: string, cls: ValueClass): PreviewColumnPlan {
  return { ...planColumn(m, m.matchesColumns ? matchColumn(m, sources, resultName) : null, cls), sources } as PreviewColumnPlan;
}

function maskCell(value: string | null, plan: PreviewColumnPlan, m: CompiledMaskingPolicy): MaskingPreviewCellDto {
  if (value === null || plan.kind === "pass") return { value, masked: null };
  const found = maskColumnText(value, plan, m);
  if (found === null) return { value, masked: null };
  if (plan.kind === "rule") return { value: found.text, masked: { matchedBy: plan.match.matchedBy, semanticType: plan.type.id, rule: plan.match.rule } };
  const fired = m.detectors.filter((d) => found.fired.includes(d.detector));
  return { value: found.text, masked: { matchedBy: "detector", semanticTypes: [...new Set(fired.map((d) => d.semanticType.id))], detectors: found.fired } };
}

/** The relation, by its exact catalog names (no parsing, so nothing in them is ever SQL). */
async function findRelation(client: pg.Client, schema: string, name: string): Promise<{ schema: string; name: string; kind: string }> {
  const { rows } = await client.query<{ relkind: string }>(
    `select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'f', 'p')`,
    [schema, name],
  );
  if (!rows[0]) throw new ServiceError(`There is no table or view ${schema}.${name} on this connection (any more).`, 404);
  return { schema, name, kind: RELKINDS[rows[0].relkind] ?? "table" };
}

/** Type parsers that parse nothing. */
const TEXT_ONLY = { getTypeParser: () => (v: string) => v };

/** Every value as the text PostgreSQL sent, as the gateway sees it: no parsing into numbers or dates. */
async function readAsText(client: pg.Client, text: string, failure: string): Promise<{ fields: pg.FieldDef[]; rows: (string | null)[][] }> {
  try {
    const result = await client.query<(string | null)[]>({ text, rowMode: "array", types: TEXT_ONLY });
    return { fields: result.fields, rows: result.rows };
  } catch (err) {
    throw new ServiceError(`${failure}: ${describeReadError(err)}`, 422);
  }
}

/**
 * An error reading the target, for the admin. Only messages that name objects, not data, are passed
 * on (access rules, timeouts); others, such as a view's failed cast, can echo a value, so only their
 * SQLSTATE is.
 */
function describeReadError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code && (e.code.startsWith("42") || e.code === "57014" || e.code === "55P03")) return `${e.message} (SQLSTATE ${e.code})`;
  return e.code ? `the server answered SQLSTATE ${e.code}` : "the connection failed";
}

/**
 * The relations of the sample's columns, traced as the gateway traces them (lib/db/target-catalog.ts):
 * a view's definition is run for no rows here, in the read-only transaction, to learn where its
 * columns come from.
 */
async function traceRelations(client: pg.Client, oids: number[]) {
  const target: TargetCatalogQueries = {
    query: async (text, params) => (await client.query<(string | null)[]>({ text, values: params ? [...params] : undefined, rowMode: "array", types: TEXT_ONLY })).rows,
    describe: async (definition): Promise<DescribedField[]> => {
      const { fields } = await readAsText(client, `select * from (${definition}) as v limit 0`, "A view's columns could not be traced");
      return fields.map((f) => ({ name: f.name, tableOid: f.tableID, columnNumber: f.columnID, typeOid: f.dataTypeID }));
    },
  };
  try {
    return await loadRelations(target, oids);
  } catch (err) {
    if (!(err instanceof ViewNestingError)) throw err;
    throw new ServiceError(`View ${err.relation.schema}.${err.relation.name} is nested more than ${MAX_VIEW_DEPTH} views deep to be traced.`, 422);
  }
}

async function loadTypeNames(client: pg.Client, fields: pg.FieldDef[]): Promise<Map<string, string>> {
  if (fields.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; typmod: number; name: string }>(
    `select f.oid::int4 as oid, f.typmod, pg_catalog.format_type(f.oid, nullif(f.typmod, -1)) as name
       from unnest($1::pg_catalog.oid[], $2::int4[]) as f(oid, typmod)`,
    [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  );
  return new Map(rows.map((r) => [`${r.oid}/${r.typmod}`, r.name]));
}
