/** The backprop view's variables field: `x=-2, y=5` (commas or semicolons between entries). */

/** Parses `x=-2, y=5` into a map; throws on a malformed entry. */
export function parseVariables(source: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const entry of source.split(/[,;]/).map((e) => e.trim()).filter((e) => e !== "")) {
    const match = /^([A-Za-z_]\w*)\s*=\s*(\S+)$/.exec(entry);
    const value = match === null ? NaN : Number(match[2]);
    if (match === null || !Number.isFinite(value)) throw new Error(`variables: expected "name=number", got "${entry}"`);
    values.set(match[1]!, value);
  }
  return values;
}
