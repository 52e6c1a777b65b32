import { LineageCatalogSnapshot, type LineageCatalogEntries, type LoadableLineageCatalog } from "@/lib/db/lineage-catalog";
import type { LineageRelation, MissingCatalogEntries } from "@/lib/policy/lineage/lineage-types";

/** A session's temporary tables made from queries (proxy/lineage/session-lineage.ts), by name. */
export type SessionRelations = { temporaryRelation(name: string): LineageRelation | undefined };

/**
 * The catalog one analysis reads: the connection's snapshot (shared by its sessions, for one catalog
 * epoch), the session's own temporary tables, and names found nowhere. A name found nowhere may be
 * a table created in a transaction not committed yet, or another session's temporary table: it is
 * kept for this analysis only (`sawUnknown`), so neither the snapshot nor the lineage cache keeps
 * the answer past it.
 */
export class ResolutionCatalog implements LoadableLineageCatalog {
  private readonly unknown = new Set<string>();
  sawUnknown = false;

  constructor(
    private readonly snapshot: LineageCatalogSnapshot,
    private readonly session: SessionRelations | null,
  ) {}

  relations(schema: string | null, name: string): LineageRelation[] | undefined {
    const own = this.session && (schema === null || isTemporarySchema(schema)) ? this.session.temporaryRelation(name) : undefined;
    // pg_temp is the client session's temporary schema, which the catalog connection cannot see.
    if (own && schema !== null) return [own];
    const found = this.unknown.has(key(schema, name)) ? [] : this.snapshot.relations(schema, name);
    if (found === undefined) return undefined;
    // Unqualified: the temporary table comes first in the search path, but every candidate feeds the result.
    const all = own ? [own, ...found.filter((r) => !isTemporarySchema(r.schema))] : found;
    if (all.length === 0) this.sawUnknown = true;
    return all;
  }

  functionKind(schema: string | null, name: string): "builtin" | "user" | undefined {
    return this.snapshot.functionKind(schema, name);
  }

  functionMayWrite(schema: string | null, name: string): boolean | undefined {
    return this.snapshot.functionMayWrite(schema, name);
  }

  /** An operator name only pg_catalog defines is PostgreSQL's own; one a schema redefines is opaque. */
  operatorKind(name: string): "builtin" | "user" | undefined {
    return this.snapshot.operatorKind(name);
  }

  /**
   * Loaded entries: found relations, functions and operators into the shared snapshot; relation
   * names found nowhere kept here only; a function or operator found nowhere is opaque.
   */
  record(entries: LineageCatalogEntries, missing: MissingCatalogEntries): void {
    const found = entries.relations.filter((r) => r.relations.length > 0);
    this.snapshot.record({ relations: found, functions: entries.functions, operators: entries.operators }, { relations: [], functions: missing.functions, operators: missing.operators });
    for (const r of missing.relations) if (!this.snapshot.relations(r.schema, r.name)) this.unknown.add(key(r.schema, r.name));
  }
}

function key(schema: string | null, name: string): string {
  return `${schema ?? ""}\u0000${name}`;
}

export function isTemporarySchema(schema: string): boolean {
  return schema === "pg_temp" || schema.startsWith("pg_temp_");
}
