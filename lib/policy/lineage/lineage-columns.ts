import type { ColumnLineage } from "./lineage-types";
import { CONSTANT, SYSTEM_COLUMNS, chooseFrom, deriveFrom, undetermined } from "./lineage-values";
import { columnName, expressionLineage } from "./lineage-expressions";
import { type Col, type Ctx, type Node, type RangeItem, type Scope, starOf } from "./lineage-scope";

/** Result columns of a target list (`*`, `c.*`) and column references resolved through the scopes. */

export function targetColumns(targets: Node[], scope: Scope, ctx: Ctx): Col[] {
  const out: Col[] = [];
  for (const t of targets) {
    const rt = t.ResTarget ?? t;
    const fields: Node[] | undefined = rt.val?.ColumnRef?.fields;
    if (fields && fields[fields.length - 1]?.A_Star) {
      out.push(...expandStar(fields.slice(0, -1).map((f) => f.String?.sval), scope));
      continue;
    }
    out.push({ name: rt.name ?? columnName(rt.val, scope, ctx), lineage: expressionLineage(rt.val, scope, ctx) });
  }
  return out;
}

export function expandStar(qualifier: string[], scope: Scope): Col[] {
  if (qualifier.length === 0) return scope.star.flat();
  const item = findItem(qualifier, scope);
  if (!item) return [{ name: "?column?", lineage: undetermined(`unknown relation ${qualifier.join(".")}`), isRest: true }];
  return starOf(item);
}

export function findItem(qualifier: string[], scope: Scope | null): RangeItem | undefined {
  const [a, b, c] = qualifier;
  for (let s = scope; s; s = s.parent) {
    const found = s.items.find((i) => {
      if (!i.nameVisible) return false;
      if (qualifier.length === 1) return i.refname === a;
      if (qualifier.length === 2) return i.refname === b && i.schema === a;
      return i.refname === c && i.schema === b;
    });
    if (found) return found;
    // `schema.table` naming a relation given without its schema: match by name.
    if (qualifier.length >= 2) {
      const byName = s.items.find((i) => i.nameVisible && i.refname === qualifier[qualifier.length - 1]);
      if (byName) return byName;
    }
  }
  return undefined;
}

export function columnOf(item: RangeItem, name: string): ColumnLineage | undefined {
  const matches = item.columns.filter((c) => c.name === name).map((c) => c.lineage);
  if (matches.length > 0) return chooseFrom(matches);
  if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return CONSTANT;
  return item.rest ?? undefined;
}

/** A whole-row reference (`c`, `c.*` in an expression): a row built from every column. */
export function wholeRow(item: RangeItem): ColumnLineage {
  return deriveFrom(starOf(item).map((c) => c.lineage).concat(CONSTANT));
}

export function columnRefLineage(fields: Node[], scope: Scope, ctx: Ctx): ColumnLineage {
  const names: (string | null)[] = fields.map((f) => (f.A_Star ? null : (f.String?.sval ?? null)));
  if (names[names.length - 1] === null) {
    // `c.*` inside an expression: the whole row.
    const item = findItem(names.slice(0, -1) as string[], scope);
    if (!item) return names.length === 1 ? deriveFrom(scope.star.flat().map((c) => c.lineage).concat(CONSTANT)) : undetermined(`unknown relation ${names.slice(0, -1).join(".")}`);
    return wholeRow(item);
  }
  if (names.length === 1) {
    const name = names[0]!;
    for (let s: Scope | null = scope; s; s = s.parent) {
      const hits = s.items.filter((i) => i.columnsVisible).map((i) => columnOf(i, name)).filter((l): l is ColumnLineage => !!l);
      if (hits.length > 0) return chooseFrom(hits);
      const item = s.items.find((i) => i.nameVisible && i.refname === name);
      if (item) return wholeRow(item);
    }
    if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return CONSTANT;
    return undetermined(`unknown column ${name}`);
  }
  // qualifier.column, or schema.table.column; or a composite column's field (c.addr.city): try each.
  for (let take = Math.min(names.length - 1, 3); take >= 1; take--) {
    const item = findItem(names.slice(0, take) as string[], scope);
    if (!item) continue;
    const col = columnOf(item, names[take]!);
    if (!col) return undetermined(`unknown column ${names.join(".")}`);
    return take + 1 < names.length ? deriveFrom([col]) : col;
  }
  // A composite column's field, `addr.city` with addr a column.
  const base = columnRefLineage([fields[0]], scope, ctx);
  return base.kind === "undetermined" ? undetermined(`unknown column ${names.join(".")}`, base.sources) : deriveFrom([base]);
}
