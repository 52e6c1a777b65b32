/**
 * A small, lossless SQL tokenizer for highlighting: the tokens' texts joined give back the input
 * exactly, whatever it holds (unterminated strings and comments run to the end). It follows
 * PostgreSQL's lexical rules where they matter for colour: '' inside strings, E'' escapes, $tag$
 * dollar quoting, nested block comments, "quoted identifiers" and $1 parameters.
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 */

export type SqlTokenType = "keyword" | "identifier" | "quoted-identifier" | "string" | "number" | "comment" | "parameter" | "operator" | "punctuation" | "whitespace";

export type SqlToken = { type: SqlTokenType; text: string };

/** Reserved and common non-reserved words people expect to see highlighted. */
const KEYWORDS = new Set(
  `abort alter analyze and any array as asc begin between by call cascade case cast check checkpoint close cluster collate column comment
commit concurrently conflict constraint copy create cross current_date current_time current_timestamp current_user cursor
deallocate declare default deferrable delete desc discard distinct do drop else end escape except execute exists explain
false fetch filter first following for foreign from full function grant group having if ilike immediate in index inner
insert intersect interval into is isnull join key language last lateral left like limit listen load local lock materialized
move natural not nothing notify notnull null nulls offset on only or order outer over partition placing policy preceding
prepare primary procedure range recursive references refresh reindex release rename repeatable replace reset restrict
returning returns revoke right role rollback row rows savepoint schema select sequence session session_user set show
similar some start table tablesample temp temporary then ties to transaction trigger true truncate unbounded union
unique unlisten update user using vacuum values variadic view when where window with within without work`
    .split(/\s+/)
    .filter(Boolean),
);

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const OPERATOR_CHAR = /[+\-*/<>=~!@#%^&|`?]/;
const WHITESPACE = /\s/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (type: SqlTokenType, end: number) => {
    tokens.push({ type, text: text.slice(i, end) });
    i = end;
  };

  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1] ?? "";

    if (WHITESPACE.test(c)) {
      let end = i + 1;
      while (end < text.length && WHITESPACE.test(text[end])) end++;
      push("whitespace", end);
    } else if (c === "-" && next === "-") {
      const newline = text.indexOf("\n", i);
      push("comment", newline === -1 ? text.length : newline);
    } else if (c === "/" && next === "*") {
      push("comment", blockCommentEnd(text, i));
    } else if ((c === "E" || c === "e") && next === "'") {
      push("string", quotedEnd(text, i + 1, "'", true));
    } else if (/[BbXxNn]/.test(c) && next === "'") {
      push("string", quotedEnd(text, i + 1, "'", false));
    } else if (c === "'") {
      push("string", quotedEnd(text, i, "'", false));
    } else if (c === '"') {
      push("quoted-identifier", quotedEnd(text, i, '"', false));
    } else if (c === "$" && DIGIT.test(next)) {
      let end = i + 1;
      while (end < text.length && DIGIT.test(text[end])) end++;
      push("parameter", end);
    } else if (c === "$" && DOLLAR_TAG.test(text.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(text.slice(i, i + 64))![0];
      const close = text.indexOf(tag, i + tag.length);
      push("string", close === -1 ? text.length : close + tag.length);
    } else if (DIGIT.test(c) || (c === "." && DIGIT.test(next))) {
      push("number", numberEnd(text, i));
    } else if (IDENT_START.test(c)) {
      let end = i + 1;
      while (end < text.length && IDENT_PART.test(text[end])) end++;
      const word = text.slice(i, end);
      push(KEYWORDS.has(word.toLowerCase()) ? "keyword" : "identifier", end);
    } else if (c === ":" && next === ":") {
      push("operator", i + 2);
    } else if (OPERATOR_CHAR.test(c)) {
      // An operator ends where a comment starts: "a+-- note" is "+" then a comment.
      let end = i + 1;
      while (end < text.length && OPERATOR_CHAR.test(text[end]) && !isCommentStart(text, end)) end++;
      push("operator", end);
    } else {
      push("punctuation", i + 1);
    }
  }
  return tokens;
}

function isCommentStart(text: string, i: number): boolean {
  return (text[i] === "-" && text[i + 1] === "-") || (text[i] === "/" && text[i + 1] === "*");
}

/** Block comments nest in PostgreSQL: "/* a /* b *\/ c *\/" is one comment. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text[i] === "/" && text[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (text[i] === "*" && text[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

/** The end of a quoted string or identifier starting at `start` (the opening quote); a doubled quote is part of it. */
function quotedEnd(text: string, start: number, quote: string, hasBackslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (hasBackslashEscapes && c === "\\") i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return text.length;
}

/** 42, 3.14, .5, 1e-9, 0x1F, 1_000_000. */
function numberEnd(text: string, start: number): number {
  const rest = text.slice(start, start + 200);
  const m = /^(?:0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?)/.exec(rest);
  const length = m?.[0].length ?? 0;
  return start + Math.max(1, length);
}
