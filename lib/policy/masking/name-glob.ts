/**
 * Compiles a column-name pattern: `*` is any run of characters, `?` exactly one, everything else is
 * literal; the whole name must match, ignoring case (`*email*` matches "Contact_EMAIL").
 */
export function compileNameGlob(pattern: string): RegExp {
  let source = "";
  for (const c of pattern) {
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    // Only syntax characters: with the `u` flag, escaping anything else ("\-") is a syntax error.
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "isu");
}
