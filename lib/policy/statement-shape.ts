/**
 * The shape of a statement's text: what is left when the values of its literals are taken out.
 * `SELECT abalance FROM pgbench_accounts WHERE aid = 12345` and `... WHERE aid = 678` have one
 * shape, so the classifier parses it once (classify-statement.ts) instead of once per value.
 *
 * The shape is only a cache key; it is never parsed. What makes it sound is that two texts with
 * the same key give PostgreSQL's scanner the same tokens, except for the values of literals:
 * - everything that is not a literal, a comment or whitespace is kept verbatim;
 * - each literal becomes a marker of its token type (ICONST, FCONST, SCONST, BCONST, XCONST), since
 *   the grammar accepts some types where it refuses others (`interval '1' day` but not `interval 1
 *   day`), and an integer that does not fit in 32 bits is an FCONST, as the scanner decides;
 * - comments and runs of whitespace become one space: the scanner treats them as token separators.
 *
 * Where this lexer cannot be sure it agrees with the scanner it gives up (returns null) and the
 * statement is classified by its full text:
 * - a backslash in a plain '...' string (with standard_conforming_strings off the server reads it
 *   as an escape, and the string ends elsewhere);
 * - an E'...' escape that can make the scanner fail or produce a non-ASCII byte (\u, \U, octal or
 *   hex escapes of 0 or of 0x80 and above);
 * - a string followed by another quote (PostgreSQL joins 'a'<newline>'b' into one literal);
 * - U&'...' and U&"..." (their value depends on a UESCAPE clause);
 * - an unterminated quote, quoted identifier, dollar quote or comment;
 * - a number or parameter followed directly by an identifier character or a dot ("trailing junk");
 * - `float(n)`: the grammar turns the value of n into float4 or float8, or an error;
 * - a NUL character, a `$` that starts neither a parameter nor a dollar quote.
 */
export type StatementShape = {
  /** Cache key; contains NUL characters as literal markers, which real SQL text never does. */
  key: string;
  /**
   * The text split at its `;` tokens, as pairs: where part i's first token starts (`segments[2i]`,
   * -1 when it has none) and where it ends (`segments[2i + 1]`: the `;` or the end of the text).
   * Statements of a multi-statement text are matched to these, so their texts can be cut out of
   * another text of the same shape.
   */
  segments: number[];
};

const MARK_INT = "\0i";
const MARK_FLOAT = "\0f";
const MARK_STRING = "\0s";
const MARK_BITS = "\0b";
const MARK_HEX = "\0x";

const C = {
  tab: 9,
  lf: 10,
  ff: 12,
  cr: 13,
  space: 32,
  dquote: 34,
  dollar: 36,
  amp: 38,
  quote: 39,
  lparen: 40,
  star: 42,
  minus: 45,
  dot: 46,
  slash: 47,
  zero: 48,
  nine: 57,
  semicolon: 59,
  backslash: 92,
  underscore: 95,
} as const;

const isWhitespace = (c: number) => c === C.space || c === C.tab || c === C.lf || c === C.cr || c === C.ff;
const isDigit = (c: number) => c >= C.zero && c <= C.nine;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** PostgreSQL: ident_start [A-Za-z\200-\377_]; every non-ASCII character is UTF-8 bytes >= 0x80. */
const isIdentStart = (c: number) => isLetter(c) || c === C.underscore || c >= 0x80;
const isIdentCont = (c: number) => isIdentStart(c) || isDigit(c) || c === C.dollar;
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isOctDigit = (c: number) => c >= C.zero && c <= 55;
const lower = (c: number) => c | 0x20;

const INT32_MAX = 2147483647n;

/** Thrown inside the lexer when it cannot be sure; caught in shapeOfSql. */
class Unsure extends Error {}
const unsure = new Unsure();

/** The text's shape, or null when the lexer cannot be sure it reads the text as PostgreSQL does. */
export function shapeOfSql(sql: string): StatementShape | null {
  try {
    return lex(sql, null);
  } catch (err) {
    if (err === unsure) return null;
    throw err;
  }
}

/**
 * Where each literal of a text is, as the positions (UTF-16 offsets) its A_Const node may have in
 * the parse tree: the literal's own start, or that of a `-` before it (the grammar folds `- 1` into
 * one constant located at the sign). Null when the lexer is unsure. Used once per new shape, to
 * check that every literal became a constant (classify-statement.ts).
 */
export function literalPositionsOf(sql: string): number[][] | null {
  const literals: number[][] = [];
  try {
    lex(sql, literals);
    return literals;
  } catch (err) {
    if (err === unsure) return null;
    throw err;
  }
}

function lex(sql: string, literals: number[][] | null): StatementShape {
  // The parser reads a C string: it would stop at a NUL, and the key uses NUL for its markers.
  if (sql.includes("\0")) throw unsure;
  const out = new ShapeBuilder(sql, literals);
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : -1;

    if (isWhitespace(c) || (c === C.minus && next === C.minus) || (c === C.slash && next === C.star)) {
      const end = skipSpace(sql, i);
      out.replace(" ", i, end);
      i = end;
      continue;
    }
    if (c === C.semicolon) {
      out.endSegment(i);
      i++;
      continue;
    }
    out.startToken(i);

    if (c === C.quote) {
      i = out.literal(MARK_STRING, i, plainStringEnd(sql, i + 1));
      continue;
    }
    if (next === C.quote && (c === 69 || c === 101)) {
      // E'...'
      i = out.literal(MARK_STRING, i, escapeStringEnd(sql, i + 2));
      continue;
    }
    if (next === C.quote && (lower(c) === 98 || lower(c) === 120)) {
      // B'...' and X'...': no escapes; the grammar gets the characters as they are.
      const close = sql.indexOf("'", i + 2);
      if (close < 0) throw unsure;
      refuseStringContinuation(sql, close + 1);
      i = out.literal(lower(c) === 98 ? MARK_BITS : MARK_HEX, i, close + 1);
      continue;
    }
    if (lower(c) === 117 && next === C.amp && i + 2 < n && (sql.charCodeAt(i + 2) === C.quote || sql.charCodeAt(i + 2) === C.dquote)) throw unsure;

    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      out.token(j - i === 5 && sql.slice(i, j).toLowerCase() === "float" ? FLOAT_NAMED : FLOAT_NONE);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === C.dot && isDigit(next))) {
      const { end, isInteger } = numberEnd(sql, i);
      if (isInteger && out.floatState === FLOAT_OPEN) throw unsure;
      i = out.literal(isInteger ? MARK_INT : MARK_FLOAT, i, end);
      continue;
    }
    if (c === C.dollar) {
      if (!isDigit(next)) {
        i = out.literal(MARK_STRING, i, dollarStringEnd(sql, i));
        continue;
      }
      // $1: a parameter, kept as it is.
      let j = i + 1;
      while (j < n && (isDigit(sql.charCodeAt(j)) || (sql.charCodeAt(j) === C.underscore && j + 1 < n && isDigit(sql.charCodeAt(j + 1))))) j++;
      if (j < n && isIdentCont(sql.charCodeAt(j))) throw unsure;
      out.token(FLOAT_NONE);
      i = j;
      continue;
    }
    if (c === C.dquote) {
      // A quoted identifier: not a literal; kept as it is.
      let j = i + 1;
      for (;;) {
        const close = sql.indexOf('"', j);
        if (close < 0) throw unsure;
        if (sql.charCodeAt(close + 1) !== C.dquote) {
          j = close + 1;
          break;
        }
        j = close + 2;
      }
      out.token(FLOAT_NONE);
      i = j;
      continue;
    }
    if (c === C.minus) out.minus(i);
    else out.token(c === C.lparen && out.floatState === FLOAT_NAMED ? FLOAT_OPEN : FLOAT_NONE);
    i++;
  }
  return out.finish();
}

/** Where the lexer is in `float ( n )`: the grammar turns n's value into a type name. */
const FLOAT_NONE = 0;
const FLOAT_NAMED = 1;
const FLOAT_OPEN = 2;

/** The key and segments being built (a class rather than closures: cheaper on the hot path). */
class ShapeBuilder {
  private key = "";
  private runStart = 0;
  private readonly segments: number[] = [];
  private segmentStart = -1;
  floatState = FLOAT_NONE;
  /** With `literals`: the `-` signs since the last token that was not one. */
  private minusRun: number[] = [];

  constructor(
    private readonly sql: string,
    private readonly literals: number[][] | null,
  ) {}

  /** Puts `text` in the key for sql[from, to). */
  replace(text: string, from: number, to: number): void {
    this.key += this.sql.slice(this.runStart, from) + text;
    this.runStart = to;
  }

  startToken(at: number): void {
    if (this.segmentStart < 0) this.segmentStart = at;
  }

  /** A token kept verbatim (it stays in the current run of the key). */
  token(floatState: number): void {
    this.floatState = floatState;
    if (this.literals) this.minusRun = [];
  }

  minus(at: number): void {
    this.floatState = FLOAT_NONE;
    if (this.literals) this.minusRun.push(at);
  }

  /** A literal at sql[from, to): its marker goes in the key; returns `to`. */
  literal(marker: string, from: number, to: number): number {
    this.replace(marker, from, to);
    this.floatState = FLOAT_NONE;
    if (this.literals) {
      this.literals.push([from, ...this.minusRun]);
      this.minusRun = [];
    }
    return to;
  }

  endSegment(at: number): void {
    this.segments.push(this.segmentStart, at);
    this.segmentStart = -1;
    this.token(FLOAT_NONE);
  }

  finish(): StatementShape {
    this.segments.push(this.segmentStart, this.sql.length);
    return { key: this.key + this.sql.slice(this.runStart), segments: this.segments };
  }
}

/** The end of a run of whitespace and comments starting at `i` (nested block comments, as PostgreSQL has them). */
function skipSpace(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
    } else if (c === C.minus && sql.charCodeAt(i + 1) === C.minus) {
      // Up to the end of the line; the line break itself is whitespace.
      while (i < n && sql.charCodeAt(i) !== C.lf && sql.charCodeAt(i) !== C.cr) i++;
    } else if (c === C.slash && sql.charCodeAt(i + 1) === C.star) {
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= n) throw unsure;
        const d = sql.charCodeAt(i);
        if (d === C.slash && sql.charCodeAt(i + 1) === C.star) {
          depth++;
          i += 2;
        } else if (d === C.star && sql.charCodeAt(i + 1) === C.slash) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return i;
}

/** After a string literal: PostgreSQL continues it when whitespace with a newline and a quote follow. */
function refuseStringContinuation(sql: string, end: number): void {
  if (sql.charCodeAt(skipSpace(sql, end)) === C.quote) throw unsure;
}

/** A '...' string from just after its opening quote; '' is a quote inside it. */
function plainStringEnd(sql: string, from: number): number {
  let j = from;
  for (;;) {
    const close = sql.indexOf("'", j);
    if (close < 0) throw unsure;
    // With standard_conforming_strings off, a backslash escapes: the string may end elsewhere.
    const slash = sql.indexOf("\\", j);
    if (slash >= 0 && slash < close) throw unsure;
    if (sql.charCodeAt(close + 1) === C.quote) {
      j = close + 2;
      continue;
    }
    refuseStringContinuation(sql, close + 1);
    return close + 1;
  }
}

/** An E'...' string from just after its opening quote. */
function escapeStringEnd(sql: string, from: number): number {
  const n = sql.length;
  let j = from;
  while (j < n) {
    const c = sql.charCodeAt(j);
    if (c === C.quote) {
      if (sql.charCodeAt(j + 1) === C.quote) {
        j += 2;
        continue;
      }
      refuseStringContinuation(sql, j + 1);
      return j + 1;
    }
    if (c !== C.backslash) {
      j++;
      continue;
    }
    const e = sql.charCodeAt(j + 1);
    if (Number.isNaN(e)) throw unsure;
    if (e === 117 || e === 85) throw unsure; // \u, \U: may be invalid
    if (isOctDigit(e)) {
      let k = j + 1;
      let v = 0;
      while (k < j + 4 && k < n && isOctDigit(sql.charCodeAt(k))) v = v * 8 + sql.charCodeAt(k++) - C.zero;
      if (v === 0 || v >= 0x80) throw unsure;
      j = k;
      continue;
    }
    if (e === 120 && isHexDigit(sql.charCodeAt(j + 2))) {
      let k = j + 2;
      let v = 0;
      while (k < j + 4 && k < n && isHexDigit(sql.charCodeAt(k))) v = v * 16 + parseInt(sql[k++], 16);
      if (v === 0 || v >= 0x80) throw unsure;
      j = k;
      continue;
    }
    // \n, \t, \\, \' and any other character standing for itself.
    j += 2;
  }
  throw unsure;
}

/** A $tag$...$tag$ string starting at its first `$`. */
function dollarStringEnd(sql: string, i: number): number {
  const n = sql.length;
  let j = i + 1;
  if (j < n && sql.charCodeAt(j) !== C.dollar) {
    // dolq_start [A-Za-z\200-\377_], dolq_cont [A-Za-z\200-\377_0-9]
    if (!isIdentStart(sql.charCodeAt(j))) throw unsure;
    j++;
    while (j < n && (isIdentStart(sql.charCodeAt(j)) || isDigit(sql.charCodeAt(j)))) j++;
  }
  if (j >= n || sql.charCodeAt(j) !== C.dollar) throw unsure;
  const delimiter = sql.slice(i, j + 1);
  const close = sql.indexOf(delimiter, j + 1);
  if (close < 0) throw unsure;
  return close + delimiter.length;
}

const DECIMAL = /\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?/y;
const RADIX = /0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/y;

/** A numeric literal at `i`; an integer is an ICONST only when it fits in 32 bits (the scanner's rule). */
function numberEnd(sql: string, i: number): { end: number; isInteger: boolean } {
  // The common case first: plain decimal digits that end the token.
  let j = i;
  while (j < sql.length && isDigit(sql.charCodeAt(j))) j++;
  if (j > i && j - i < 10) {
    const after = j < sql.length ? sql.charCodeAt(j) : -1;
    if (after !== C.dot && after !== C.underscore && !isIdentCont(after)) return { end: j, isInteger: true };
  }
  RADIX.lastIndex = i;
  let m = RADIX.exec(sql);
  let isRadix = m !== null;
  if (!m) {
    DECIMAL.lastIndex = i;
    m = DECIMAL.exec(sql);
    isRadix = false;
  }
  if (!m) throw unsure;
  const text = m[0];
  const end = i + text.length;
  if (end < sql.length) {
    const after = sql.charCodeAt(end);
    if (isIdentCont(after) || after === C.dot) throw unsure;
  }
  const isIntegerText = isRadix || /^[\d_]+$/.test(text);
  if (!isIntegerText) return { end, isInteger: false };
  const digits = text.replaceAll("_", "");
  // Short decimal integers fit; longer ones (and radix ones) are measured.
  const fits = !isRadix && digits.length < 10 ? true : BigInt(digits) <= INT32_MAX;
  return { end, isInteger: fits };
}
