import type { RecordedColumn } from "@/drizzle/schema";
import { deriveMaskingKey } from "@/lib/crypto/masking-key";
import type { Db } from "@/lib/db/create-db";
import { columnSources, type CatalogRelation, type DescribedField } from "@/lib/db/target-catalog";
import type { StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { findActiveExemption, masksNothing, matchColumn, planLineageColumn, textValueClass, touchesMaskedData, type ColumnPlan as PolicyColumnPlan, type MaskingContext, type ValueClass } from "@/lib/policy/masking";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import type { AuthoredMessage, GatewayHooks, ResultContext, RowFilter, SessionInfo, StatementContext } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { createLineageService, type LineageService } from "../lineage/lineage-service";
import { resultColumnLineage } from "../lineage/result-lineage";
import type { PolicyCache } from "../policy/policy-cache";
import { openCatalogClient, type CatalogQueries } from "./catalog-client";
import { ColumnCatalog } from "./column-catalog";
import { createCopyMasker } from "./copy-data";
import { parseCopyStatement, type CopyStatement } from "./copy-statement";
import { maskServerMessage } from "./message-masking";
import { compileMasking, createRowMasker, MaskedColumnsSummary, planColumn, type ColumnPlan, type CompiledMasking } from "./result-masking";

export type MaskingHookDeps = {
  db: Db;
  policies: PolicyCache;
  secretKey: Buffer;
  log: Logger;
  /** Tests: another keyed hash, or catalog connection. */
  maskingContext?: MaskingContext;
  openCatalog?: (connectionId: string) => Promise<CatalogQueries>;
  /** How long a compiled policy and the catalog cache are trusted without a change notice. */
  maxAgeMs?: number;
  /** Catalog connections close after this long unused. */
  catalogIdleMs?: number;
  upstreamTimeoutMs?: number;
};

export type MaskingHooks = Required<Pick<GatewayHooks, "createRowFilter" | "filterServerMessage" | "onStatementFinished" | "close">> & {
  /** Lineage on this masking's catalogs (one connection each), for policy enforcement to judge copies and inference with. */
  lineage: LineageService;
};

type Maybe<T> = T | Promise<T>;

/**
 * Masking in the gateway: rewrites result rows (DataRow, in both protocols and both formats), COPY
 * TO STDOUT data, and what errors, notices and notifications echo, as the connection's policy says.
 * Where a result column comes from is read from the connection's own catalog (see ColumnCatalog),
 * on a small connection of the gateway's own. Everything that can be is synchronous once cached, so
 * rows flow without waiting; a result that needs the catalog waits for it (the relay holds the rows).
 * Anything that fails fails closed: the result is withheld.
 */
export function createMaskingHooks(deps: MaskingHookDeps): MaskingHooks {
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  const ctx = deps.maskingContext ?? createNodeMaskingContext(deriveMaskingKey(deps.secretKey));
  const compiled = new Map<string, { at: number; value: Maybe<CompiledMasking> }>();
  const catalogs = new Map<string, ColumnCatalog>();

  const forget = (connectionId: string) => {
    if (connectionId === "*") {
      compiled.clear();
      for (const c of catalogs.values()) c.clear();
    } else {
      compiled.delete(connectionId);
      catalogs.get(connectionId)?.clear();
    }
  };
  const stopListening = deps.policies.onInvalidate(forget);
  // Lineage's cache follows each catalog's epoch: cleared with it (DDL, policy change, max age).
  const lineage = createLineageService({ catalogFor: (connectionId) => catalogFor(connectionId) });

  /** The connection's masking, compiled; synchronous while cached. */
  const maskingFor = (connectionId: string): Maybe<CompiledMasking> => {
    const hit = compiled.get(connectionId);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
    const loading = deps.policies.get(connectionId).then(({ version, document }) => compileMasking(version, document.masking, ctx));
    const entry = { at: Date.now(), value: loading as Maybe<CompiledMasking> };
    compiled.set(connectionId, entry);
    loading.then(
      (value) => {
        if (compiled.get(connectionId) === entry) entry.value = value;
      },
      (err) => {
        if (compiled.get(connectionId) === entry) compiled.delete(connectionId);
        deps.log.error("masking policy could not be loaded; results are withheld", { connectionId, error: (err as Error).message });
      },
    );
    return loading;
  };

  const catalogFor = (connectionId: string): ColumnCatalog => {
    let c = catalogs.get(connectionId);
    if (!c) {
      const open = deps.openCatalog ? () => deps.openCatalog!(connectionId) : () => openCatalogClient(deps.db, deps.secretKey, connectionId, deps.upstreamTimeoutMs ?? 10_000);
      c = new ColumnCatalog(open, { maxAgeMs, idleMs: deps.catalogIdleMs ?? 30_000 });
      catalogs.set(connectionId, c);
    }
    return c;
  };

  return {
    createRowFilter(result) {
      const connectionId = result.statement.session.connection.id;
      return then(maskingFor(connectionId), (m) => (result.copy ? copyFilter(m, result, catalogFor(connectionId), lineage) : rowFilter(m, result, catalogFor(connectionId), lineage)));
    },

    filterServerMessage(session: SessionInfo, frame: Buffer, authored?: AuthoredMessage, statement?: StatementContext | null) {
      const connectionId = session.connection.id;
      return then(maskingFor(connectionId), (m) => {
        if (masksNothing(m)) return frame;
        const catalog = catalogFor(connectionId);
        // The statement's lineage as it was judged. A message that answers no statement (null: a
        // Bind's) echoes only the client's input; one of no known request, or an unjudged statement's, may echo anything (fail closed).
        const known = statement ? lineage.knownLineageOf(statement) : undefined;
        const echoesMaskedData = m.matchesColumns && statement !== null && (known === undefined || touchesMaskedData(m, known));
        return maskServerMessage(
          frame,
          m,
          async (schema, table) => {
            const r = await catalog.relationByName(schema, table);
            return r ? [...r.columns.values()].map((c) => c.name) : null;
          },
          authored,
          echoesMaskedData,
        );
      });
    },

    lineage,

    onStatementFinished(statement) {
      lineage.onStatementFinished(statement);
      // A DDL statement may rename or add columns: the catalog cache is reread. (Unparsed text may be DDL too.)
      if (statement.classification.kind === "ddl" || statement.parseError !== null) catalogs.get(statement.session.connection.id)?.clear();
    },

    async close() {
      stopListening();
      for (const c of catalogs.values()) c.close();
      catalogs.clear();
    },
  };
}

/**
 * DataRow results: each column's plan from its lineage (proxy/lineage: a source's rule, a
 * transformed mask, undetermined) and the source RowDescription names; or, on a connection without
 * column rules and name patterns, where nothing depends on sources, the detectors alone.
 */
function rowFilter(m: CompiledMasking, result: ResultContext, catalog: ColumnCatalog, lineage: LineageService): Maybe<RowFilter | undefined> {
  if (masksNothing(m)) return undefined;
  const { columns } = result;
  const exemption = findActiveExemption(result.statement.session.groups, m.masking.exemptions, new Date());
  const sourced = m.matchesColumns ? columns.filter((c) => c.tableOid !== 0) : [];
  const binaryTypes = columns.filter((c) => c.format === "binary").map((c) => c.typeOid);
  const relations = sourced.length > 0 ? (catalog.peekRelations(sourced) ?? catalog.relationsFor(sourced)) : new Map<number, CatalogRelation>();
  const types = catalog.peekTypes(binaryTypes) ?? catalog.typesFor(binaryTypes);
  const traced = m.matchesColumns ? lineage.lineageOf(result.statement) : null;
  const build = (known: Map<number, CatalogRelation>, classes: Map<number, ValueClass>, statementLineage: StatementLineage | null): RowFilter | undefined => {
    const described = columns.map((c) => columnSources(known, c.tableOid, c.columnNumber));
    const lineages = statementLineage ? resultColumnLineage(statementLineage, described) : null;
    const plans = columns.map((c, i) => {
      const cls = classOf(c, classes);
      if (lineages) return withFormat(planLineageColumn(m, lineages[i]!, c.name, cls), c.format === "binary");
      return planColumn(m, m.matchesColumns ? matchColumn(m, described[i]!, c.name) : null, cls, c.format === "binary");
    });
    return createRowMasker(plans, columns.map((c) => c.name), m, exemption);
  };
  if (relations instanceof Promise || types instanceof Promise || traced instanceof Promise) {
    return Promise.all([relations, types, traced]).then(([known, classes, statementLineage]) => build(known, classes, statementLineage));
  }
  return build(relations, types, traced);
}

/** A policy plan with the format its values come in. */
function withFormat(plan: PolicyColumnPlan, isBinary: boolean): ColumnPlan {
  return plan.kind === "pass" ? plan : { ...plan, isBinary };
}

/** A text-format value's class does not depend on binary layouts: built-ins, or "other". */
function classOf(c: RecordedColumn, binaryClasses: Map<number, ValueClass>): ValueClass {
  return binaryClasses.get(c.typeOid) ?? textValueClass(c.typeOid);
}

/**
 * COPY TO STDOUT: the columns come from the statement (a table and its column list, resolved in the
 * catalog; or a query, described on the catalog connection), planned with the statement's lineage
 * as a SELECT's are. A query that cannot be described is masked by its lineage alone (undetermined
 * columns in full); on a connection without column rules or name patterns, by the detectors alone.
 */
function copyFilter(m: CompiledMasking, result: ResultContext, catalog: ColumnCatalog, lineage: LineageService): Maybe<RowFilter | undefined> {
  if (masksNothing(m)) return undefined;
  const copy = result.copy!;
  const statement = parseCopyStatement(result.statement.sql);
  if (!statement) throw new Error("the COPY statement could not be read, so its data cannot be masked");
  const exemption = findActiveExemption(result.statement.session.groups, m.masking.exemptions, new Date());
  const count = copy.columnFormats.length;
  const traced = m.matchesColumns ? Promise.resolve(lineage.lineageOf(result.statement)) : Promise.resolve(null);
  // With lineage, a query the catalog connection cannot describe is masked by its trace alone.
  const described = copyColumns(m, statement, catalog, result, count, traced);
  return Promise.all([described, traced]).then(([columns, statementLineage]) => {
    if (columns.length !== count) throw new Error(`COPY sends ${count} columns, but ${columns.length} were expected`);
    const binaryTypes = copy.isBinary ? columns.map((c) => c.typeOid).filter((t): t is number => t !== null) : [];
    const lineages = statementLineage ? resultColumnLineage(statementLineage, columns.map((c) => c.sources)) : null;
    return then(catalog.peekTypes(binaryTypes) ?? catalog.typesFor(binaryTypes), (classes) => {
      const plans: ColumnPlan[] = columns.map((c, i) => {
        const cls = c.typeOid === null ? "other" : (classes.get(c.typeOid) ?? textValueClass(c.typeOid));
        if (lineages) return withFormat(planLineageColumn(m, lineages[i]!, c.name, cls), copy.isBinary);
        return planColumn(m, m.matchesColumns ? matchColumn(m, c.sources, c.name) : null, cls, copy.isBinary);
      });
      if (plans.every((p) => p.kind === "pass")) return undefined;
      const names = columns.map((c) => c.name);
      const summary = new MaskedColumnsSummary(names, plans, m, exemption?.group ?? null);
      const toRecord = createCopyMasker(statement.format, plans, m, (column, row, detectors) => summary.noteFindings(column, row, detectors));
      // The client and the recording each need their own pass over the data when they differ.
      const forClient = exemption ? null : toRecord;
      const filter: RowFilter = {
        transformRow: (values) => values,
        transformCopyData: (data) => (forClient ? forClient.mask(data) : data),
        maskedColumns: () => summary.result(),
      };
      if (exemption) filter.recordCopyData = (data) => toRecord.mask(data);
      return filter;
    });
  });
}

type CopyColumn = { name: string; typeOid: number | null; sources: { schema: string; table: string; column: string }[] };

async function copyColumns(
  m: CompiledMasking,
  statement: CopyStatement,
  catalog: ColumnCatalog,
  result: ResultContext,
  count: number,
  traced: Promise<StatementLineage | null>,
): Promise<CopyColumn[]> {
  const { source } = statement;
  if (source.kind === "relation") {
    const relation = await catalog.relationByName(source.schema, source.name);
    if (!relation) throw new Error(`COPY's table ${source.schema ? `${source.schema}.` : ""}${source.name} was not found in the catalog, so its data cannot be masked`);
    const all = [...relation.columns.entries()];
    let picked: [number, { name: string; typeOid: number; isGenerated: boolean }][];
    if (source.columns) {
      picked = source.columns.map((name) => {
        const hit = all.find(([, c]) => c.name === name);
        if (!hit) throw new Error(`COPY names column ${name}, which ${relation.name} does not have in the catalog`);
        return hit;
      });
    } else {
      // Without a column list COPY sends the stored columns; generated ones only in some versions.
      const stored = all.filter(([, c]) => !c.isGenerated);
      picked = stored.length === count ? stored : all;
    }
    const own = new Map([[relation.oid, relation]]);
    return picked.map(([attnum, c]) => ({ name: c.name, typeOid: c.typeOid, sources: columnSources(own, relation.oid, attnum) }));
  }
  let fields: DescribedField[];
  try {
    fields = await catalog.describe(source.sql);
  } catch (err) {
    // Traced: each column is masked by its lineage (undetermined ones in full); nothing else is known.
    if ((await traced.catch(() => null)) !== null) return Array.from({ length: count }, (_, i) => ({ name: `column${i + 1}`, typeOid: null, sources: [] }));
    const readsRuled = result.statement.classification.relations.some((r) =>
      m.masking.columnRules.some((rule) => {
        const [schema, table] = rule.column.toLowerCase().split(".");
        return table === r.name.toLowerCase() && (!r.schema || r.schema.toLowerCase() === schema);
      }),
    );
    if (readsRuled) throw new Error(`COPY's query reads a table with column rules and could not be described (${(err as Error).message})`);
    return Array.from({ length: count }, (_, i) => ({ name: `column${i + 1}`, typeOid: null, sources: [] }));
  }
  const origins = fields.filter((f) => f.tableOid !== 0).map((f) => ({ tableOid: f.tableOid, columnNumber: f.columnNumber }));
  const known = m.matchesColumns && origins.length > 0 ? await catalog.relationsFor(origins) : new Map<number, CatalogRelation>();
  return fields.map((f) => ({ name: f.name, typeOid: f.typeOid, sources: columnSources(known, f.tableOid, f.columnNumber) }));
}

/** Continues with `f` now when `v` is a plain value, or when the promise settles. */
function then<T, R>(v: T | Promise<T>, f: (value: T) => R | Promise<R>): R | Promise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}
