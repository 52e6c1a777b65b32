/**
 * CSV as RFC 4180 writes it (fields with a comma, quote, CR or LF are quoted, quotes doubled; lines
 * end with CRLF), safe to open in a spreadsheet: a text cell starting with = + - @ (or a tab or CR,
 * which some spreadsheets skip before reading a formula) is prefixed with a single quote, so it is
 * shown as text instead of run as a formula (OWASP "CSV injection").
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
