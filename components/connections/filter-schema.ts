import type { SchemaColumnDto, SchemaDto, SchemaTableDto } from "@/lib/shared/contracts/connections";

export type FilteredTable = SchemaTableDto & {
  /** True when only some columns matched: the browser opens such tables so the matches are visible. */
  isColumnMatch: boolean;
  /** Columns before filtering, for "2 of 9 columns". */
  columnCount: number;
};
export type FilteredSchema = { name: string; tables: FilteredTable[] };

export const tableKey = (table: Pick<SchemaTableDto, "schema" | "name">) => `${table.schema}.${table.name}`;

const columnMatches = (column: SchemaColumnDto, needle: string) =>
  column.name.toLowerCase().includes(needle) || column.type.toLowerCase().includes(needle);

/**
 * Narrows the catalog to what matches `query` (case-insensitive): a schema or table name match keeps the
 * whole table; otherwise a table stays with just the columns whose name or type matches.
 */
export function filterSchema(schema: SchemaDto, query: string): FilteredSchema[] {
  const needle = query.trim().toLowerCase();
  const out: FilteredSchema[] = [];
  for (const s of schema.schemas) {
    const tables: FilteredTable[] = [];
    for (const table of s.tables) {
      if (!needle || tableKey(table).toLowerCase().includes(needle)) {
        tables.push({ ...table, isColumnMatch: false, columnCount: table.columns.length });
        continue;
      }
      const columns = table.columns.filter((c) => columnMatches(c, needle));
      if (columns.length > 0) tables.push({ ...table, columns, isColumnMatch: true, columnCount: table.columns.length });
    }
    if (tables.length > 0) out.push({ name: s.name, tables });
  }
  return out;
}
