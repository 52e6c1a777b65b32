import "server-only";
import pg from "pg";
import { deriveKey } from "@/lib/crypto/credentials";
import type { Db } from "@/lib/db/create-db";
import {
  createColumnMatcher,
  listSemanticTypes,
  maskDetected,
  maskValue,
  resolveEnabledDetectors,
  type ColumnMatch,
  type ColumnMatcher,
  type ColumnSource,
  type EnabledDetector,
  type MaskingContext,
  type SemanticTypeDefinition,
} from "@/lib/policy/masking";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { policyDocumentSchema, type MaskingPolicy } from "@/lib/policy/policy-document";
import { issuesByPath, policyIssuesOf } from "@/lib/policy/policy-issues";
import {
  maskingPreviewInput,
  type MaskingPreviewCellDto,
  type MaskingPreviewColumnDto,
  type MaskingPreviewDto,
  type MaskingPreviewInput,
} from "@/lib/shared/contracts/policies";
import { connectTarget, describeConnectError, storedPassword } from "../connections/connect-target";
import { ServiceError } from "../connections/service-error";
import { previewValueClass, type PreviewValueClass } from "./preview-value-classes";
import { requireConnection } from "./require-connection";

/**
 * The keyed hash's key purpose: the gateway's (MASKING_HASH_KEY_PURPOSE in proxy/masking/
 * masking-hooks.ts), so a hashed value in the preview is the one a client will see. The test keeps
 * the two equal.
 */
export const MASKING_HASH_KEY_PURPOSE = "warden/masking-hash/v1";

/** How deep views over views are followed to their tables, as in the gateway. */
const MAX_VIEW_DEPTH = 4;

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
  const compiled = compileDraft(masking, createNodeMaskingContext(deriveKey(secretKey, MASKING_HASH_KEY_PURPOSE)));

  const params = { ...row, password: storedPassword(secretKey, row) };
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
    const relations = await loadRelations(client, [...new Set(origins.map((f) => f.tableID))], 0);
    const typeNames = await loadTypeNames(client, sample.fields);

    const plans = sample.fields.map((f) => planColumn(compiled, columnSources(relations, f.tableID, f.columnID), f.name, previewValueClass(f.dataTypeID)));
    const columns: MaskingPreviewColumnDto[] = sample.fields.map((f, i) => {
      const plan = plans[i]!;
      return {
        name: f.name,
        type: typeNames.get(`${f.dataTypeID}/${f.dataTypeModifier}`) ?? "unknown",
        sources: plan.sources.map((s) => `${s.schema}.${s.table}.${s.column}`),
        rule: plan.kind === "rule" ? { matchedBy: plan.match.matchedBy, semanticType: plan.type.id, rule: plan.match.rule } : null,
        isSearched: plan.kind === "detect",
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

type CompiledDraft = {
  matcher: ColumnMatcher;
  detectors: EnabledDetector[];
  matchesColumns: boolean;
  types: ReadonlyMap<string, SemanticTypeDefinition>;
  ctx: MaskingContext;
};

function compileDraft(masking: MaskingPolicy, ctx: MaskingContext): CompiledDraft {
  return {
    matcher: createColumnMatcher(masking),
    detectors: resolveEnabledDetectors(masking),
    matchesColumns: masking.columnRules.length + masking.namePatterns.length > 0,
    types: new Map(listSemanticTypes(masking).map((t) => [t.id, t])),
    ctx,
  };
}

type ColumnPlan = { sources: ColumnSource[] } & (
  | { kind: "pass" }
  | { kind: "rule"; cls: PreviewValueClass; type: SemanticTypeDefinition; match: ColumnMatch }
  | { kind: "detect"; cls: PreviewValueClass }
);

/**
 * As the gateway plans a result column (matchColumn and planColumn in proxy/masking/result-masking.ts):
 * a column rule on any of its sources before a name pattern, so a view never trades a column rule for
 * a weaker pattern; detectors for the rest, unless the type can hold no finding.
 */
function planColumn(m: CompiledDraft, sources: ColumnSource[], resultName: string, cls: PreviewValueClass): ColumnPlan {
  let match: ColumnMatch | null = null;
  if (m.matchesColumns) {
    for (const s of sources) {
      const hit = m.matcher(s, resultName);
      if (hit?.matchedBy === "column_rule") {
        match = hit;
        break;
      }
      match ??= hit;
    }
    match ??= m.matcher(null, resultName);
  }
  if (match) {
    const type = m.types.get(match.semanticType);
    // A validated draft names only known types; fail closed rather than leave the column as it is.
    if (!type) throw new Error(`Masking rule names unknown semantic type "${match.semanticType}".`);
    return { sources, kind: "rule", cls, type, match };
  }
  if (m.detectors.length === 0 || cls === "skip") return { sources, kind: "pass" };
  return { sources, kind: "detect", cls };
}

function maskCell(value: string | null, plan: ColumnPlan, m: CompiledDraft): MaskingPreviewCellDto {
  if (value === null || plan.kind === "pass") return { value, masked: null };
  const isJson = plan.cls === "json" || plan.cls === "jsonb";
  if (plan.kind === "rule") {
    const masked = maskValue(value, plan.type, m.ctx);
    const reason = { matchedBy: plan.match.matchedBy, semanticType: plan.type.id, rule: plan.match.rule };
    // A JSON column must still hold JSON: the masked text becomes a JSON string, as in the gateway.
    return { value: masked === null ? null : isJson ? JSON.stringify(masked) : masked, masked: reason };
  }
  const found = maskDetected(value, m.detectors, m.ctx);
  if (found.fired.length === 0) return { value, masked: null };
  const fired = m.detectors.filter((d) => found.fired.includes(d.detector));
  const reason = { matchedBy: "detector" as const, semanticTypes: [...new Set(fired.map((d) => d.semanticType.id))], detectors: found.fired };
  if (found.text === null) return { value: null, masked: reason };
  return { value: isJson ? keepJson(found.text) : found.text, masked: reason };
}

/** A mask inside a JSON number breaks the document: it is sent as a JSON string then. */
function keepJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

type Relation = {
  oid: number;
  schema: string;
  name: string;
  kind: string;
  /** The partitioned table at the top, for a partition: rules written on it cover its partitions. */
  root: { schema: string; name: string } | null;
  columns: Map<number, string>;
  /** Views: the table columns each view column shows. */
  viewSources: Map<number, ColumnSource[]> | null;
};

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

/** Every value as the text PostgreSQL sent, as the gateway sees it: no parsing into numbers or dates. */
async function readAsText(client: pg.Client, text: string, failure: string): Promise<{ fields: pg.FieldDef[]; rows: (string | null)[][] }> {
  try {
    const result = await client.query<(string | null)[]>({ text, rowMode: "array", types: { getTypeParser: () => (v: string) => v } });
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

async function loadRelations(client: pg.Client, oids: number[], depth: number): Promise<Map<number, Relation>> {
  const out = new Map<number, Relation>();
  if (oids.length === 0) return out;
  const { rows } = await client.query<{ oid: string; schema: string; name: string; relkind: string; attnum: number; attname: string; root_schema: string | null; root_name: string | null; viewdef: string | null }>(
    `select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relkind, a.attnum, a.attname,
            rn.nspname as root_schema, r.relname as root_name,
            case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid) end as viewdef
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       left join pg_catalog.pg_class r on c.relispartition and r.oid = pg_catalog.pg_partition_root(c.oid)
       left join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
      where c.oid = any($1::pg_catalog.oid[])
      order by c.oid, a.attnum`,
    [oids],
  );
  const definitions = new Map<number, string>();
  for (const r of rows) {
    const oid = Number(r.oid);
    let relation = out.get(oid);
    if (!relation) {
      relation = { oid, schema: r.schema, name: r.name, kind: r.relkind, root: r.root_name ? { schema: r.root_schema!, name: r.root_name } : null, columns: new Map(), viewSources: null };
      out.set(oid, relation);
      if (r.viewdef !== null) definitions.set(oid, r.viewdef);
    }
    relation.columns.set(r.attnum, r.attname);
  }
  for (const [oid, definition] of definitions) {
    // Fail closed rather than leave a deeper view's columns untraced.
    const relation = out.get(oid)!;
    if (depth >= MAX_VIEW_DEPTH) throw new ServiceError(`View ${relation.schema}.${relation.name} is nested more than ${MAX_VIEW_DEPTH} views deep to be traced.`, 422);
    relation.viewSources = await viewSources(client, definition, depth);
  }
  return out;
}

/**
 * A view's columns, traced to the table columns they show: its definition, run as a subquery that
 * returns no row, names each column's origin in the row description (a table, or another view,
 * followed in turn).
 */
async function viewSources(client: pg.Client, definition: string, depth: number): Promise<Map<number, ColumnSource[]>> {
  const { fields } = await readAsText(client, `select * from (${definition.trim().replace(/;$/, "")}) as v limit 0`, "A view's columns could not be traced");
  const known = await loadRelations(client, [...new Set(fields.filter((f) => f.tableID !== 0).map((f) => f.tableID))], depth + 1);
  const out = new Map<number, ColumnSource[]>();
  fields.forEach((f, i) => {
    if (f.tableID !== 0) out.set(i + 1, columnSources(known, f.tableID, f.columnID));
  });
  return out;
}

/** Every source of a result column: itself, its partition root, and what a view column shows. */
function columnSources(relations: ReadonlyMap<number, Relation>, tableOid: number, columnNumber: number): ColumnSource[] {
  const r = relations.get(tableOid);
  const column = r?.columns.get(columnNumber);
  if (!r || column === undefined) return [];
  const out: ColumnSource[] = [{ schema: r.schema, table: r.name, column }];
  if (r.root) out.push({ schema: r.root.schema, table: r.root.name, column });
  out.push(...(r.viewSources?.get(columnNumber) ?? []));
  return out;
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
