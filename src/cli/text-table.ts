/**
 * Plain-text columns for terminal reports (`gateway config check`). No
 * borders or colours, so the output pastes cleanly into issues and logs.
 */

/** Lays out `rows` under `headers`, each column as wide as its widest cell. */
export const textTable = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
): ReadonlyArray<string> => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)]
}
