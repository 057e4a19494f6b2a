/**
 * CSV as RFC 4180 writes it (CRLF between records; a field holding a comma, a quote, CR or LF is
 * quoted, its quotes doubled), made safe to open in a spreadsheet: a cell that begins with
 * `=`, `+`, `-`, `@`, a tab or a CR would be read as a formula (OWASP "CSV injection"), so it
 * gets a leading apostrophe, which spreadsheets show as text.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
