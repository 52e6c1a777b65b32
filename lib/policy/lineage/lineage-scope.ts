import type { ColumnLineage, CopyFlow, LineageCatalog, LineageSource, MissingCatalogEntries, OutputColumn, PredicateUse } from "./lineage-types";
import { chooseFrom } from "./lineage-values";

/**
 * Lineage analysis state: the context one analysis carries (catalog, what it is missing, the
 * statement's own predicates and copies) and the scopes names resolve in (FROM items, CTEs, outer
 * queries), with the small helpers on parse nodes and column lists they share.
 */

/** How many views over views are followed before a column counts as undetermined. */
export const MAX_VIEW_DEPTH = 4;

export type Node = any; // libpg-query's protobuf JSON: { NodeType: { ...fields } }
export type Col = OutputColumn;

export type Ctx = {
  catalog: LineageCatalog;
  missingRelations: Map<string, { schema: string | null; name: string }>;
  missingFunctions: Map<string, { schema: string | null; name: string }>;
  missingOperators: Set<string>;
  /** Predicates and copies are the statement's own: a view's definition records none. */
  recordsUses: boolean;
  predicates: PredicateUse[];
  copies: CopyFlow[];
  /** Code the statement runs whose writes lineage cannot see (StatementLineage.untracedCode); views' included. */
  untracedCode: string[];
  /** The sources of every column reference the statement evaluates, anywhere (StatementLineage.touched). */
  touched: LineageSource[];
  viewDepth: number;
  views: Map<number, Col[]>;
  /** Queries analysed so far may not exceed this, views' included (nested recursive CTEs multiply). */
  work: { left: number };
};

/** How many (sub)queries one analysis may go through before the statement counts as too complex. */
export const MAX_ANALYSED_QUERIES = 5_000;

/** Thrown when an analysis exceeds MAX_ANALYSED_QUERIES: the statement is undetermined. */
export class AnalysisTooComplex extends Error {}

export function newContext(catalog: LineageCatalog, viewDepth: number, recordsUses: boolean): Ctx {
  return { catalog, missingRelations: new Map(), missingFunctions: new Map(), missingOperators: new Set(), recordsUses, predicates: [], copies: [], untracedCode: [], touched: [], viewDepth, views: new Map(), work: { left: MAX_ANALYSED_QUERIES } };
}

export function missingOf(ctx: Ctx): MissingCatalogEntries | null {
  if (ctx.missingRelations.size === 0 && ctx.missingFunctions.size === 0 && ctx.missingOperators.size === 0) return null;
  const missing: MissingCatalogEntries = { relations: [...ctx.missingRelations.values()], functions: [...ctx.missingFunctions.values()] };
  if (ctx.missingOperators.size > 0) missing.operators = [...ctx.missingOperators];
  return missing;
}

/** A FROM item: a relation, subquery, CTE, function or aliased join, with the columns it offers. */
export type RangeItem = {
  refname: string | null;
  /** For `schema.table.column` references to an unaliased relation. */
  schema: string | null;
  /** Columns in order (for `*`). */
  columns: Col[];
  /** Any other column name resolves here (a function of unknown width, an unknown relation). */
  rest: ColumnLineage | null;
  /** Reachable by its name (`c.email`, `c`): not the members of an aliased join. */
  nameVisible: boolean;
  /** Its columns resolve unqualified names: not the members of an aliased join (the join does). */
  columnsVisible: boolean;
};

export type Cte = { columns: Col[] | null; recursive: boolean };

export type Scope = {
  parent: Scope | null;
  items: RangeItem[];
  /** `*`: the columns of each top-level FROM entry, in order. */
  star: Col[][];
  ctes: Map<string, Cte>;
};

export function childScope(parent: Scope | null): Scope {
  return { parent, items: [], star: [], ctes: new Map() };
}

export function findCte(scope: Scope | null, name: string): Cte | undefined {
  for (let s = scope; s; s = s.parent) {
    const cte = s.ctes.get(name);
    if (cte) return cte;
  }
  return undefined;
}


/** A parse node's type and fields (`{ SelectStmt: {...} }` -> ["SelectStmt", {...}]). */
export function nodeEntry(node: Node): [string | undefined, Node] {
  if (!node || typeof node !== "object") return [undefined, undefined];
  const k = Object.keys(node)[0];
  return k === undefined ? [undefined, undefined] : [k, node[k]];
}

export function walk(node: Node, visit: (type: string, value: Node) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [k, v] of Object.entries(node)) {
    if (v && typeof v === "object") {
      if (/^[A-Z]/.test(k)) visit(k, v);
      walk(v, visit);
    }
  }
}

/**
 * A rest column stands for zero or more columns, so the columns after it have no known position:
 * it absorbs them (each may be any of them). At most one rest per statement, always last.
 */
export function foldRest(columns: Col[]): Col[] {
  const at = columns.findIndex((c) => c.isRest);
  if (at < 0 || at === columns.length - 1) return columns;
  return [...columns.slice(0, at), { name: columns[at]!.name, lineage: chooseFrom(columns.slice(at).map((c) => c.lineage)), isRest: true }];
}

export function aliasNames(alias: Node): string[] {
  return (alias?.colnames ?? []).map((n: Node) => n.String?.sval);
}

export function renamed(columns: Col[], names: string[]): Col[] {
  return columns.map((c, i) => (names[i] !== undefined && !c.isRest ? { ...c, name: names[i]! } : c));
}

export function plainItem(refname: string | null, schema: string | null, unfolded: Col[], rest: ColumnLineage | null): RangeItem {
  const columns = foldRest(unfolded);
  return { refname, schema, columns: columns.filter((c) => !c.isRest), rest: rest ?? columns.find((c) => c.isRest)?.lineage ?? null, nameVisible: true, columnsVisible: true };
}

export function starOf(item: RangeItem): Col[] {
  return item.rest ? [...item.columns, { name: "?column?", lineage: item.rest, isRest: true }] : item.columns;
}
