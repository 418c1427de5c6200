/** Plain-text tables for terminal summaries: columns padded to their widest cell. */

/**
 * Formats rows as aligned columns; the first row is the header, underlined. Text columns are
 * left-aligned, columns whose cells are all numbers right-aligned.
 */
export function textTable(rows: readonly (readonly string[])[], indent = "  "): string {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((row) => [...(row[c] ?? "")].length)));
  const numeric = Array.from({ length: columns }, (_, c) => rows.slice(1).every((row) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^—$|^$/.test(row[c] ?? "")));
  const line = (row: readonly string[]) =>
    indent + row.map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  const out = [line(rows[0]!), indent + widths.map((w) => "─".repeat(w)).join("  ")];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join("\n");
}
