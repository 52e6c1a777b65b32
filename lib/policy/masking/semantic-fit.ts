import { findCardNumbers } from "./detectors/card-number";
import { findEmails } from "./detectors/email";
import { findIbans } from "./detectors/iban";
import type { DetectedSpan } from "./detectors/detected-span";
import type { ValueClass } from "./value-classes";

/**
 * Whether a column's semantic type fits the data in it, judged on sample values and the column's
 * type: an address column marked as an email, or an integer column marked as a person's name, is
 * most likely a slip, and its mask would not do what the admin expects (the email mask keeps the
 * first character and the domain's shape; an address has neither). Pure; the masking preview runs it
 * on the server, on the unmasked sample, and sends only the sentence, never a value.
 */

export type SemanticFitInput = {
  /** The semantic type's id: a built-in's shape applies to a policy's own definition of that id too. */
  typeId: string;
  /** As the policy labels it ("Email address"). */
  typeLabel: string;
  /** The column's value class (lib/policy/masking/value-classes.ts) and type as PostgreSQL writes it. */
  valueClass: ValueClass;
  columnType: string;
  values: readonly (string | null)[];
};

const isWhole = (spans: DetectedSpan[], text: string) => spans.some((s) => s.start === 0 && s.end === text.length);
const isEmail = (v: string) => isWhole(findEmails(v), v);
const isCardNumber = (v: string) => isWhole(findCardNumbers(v), v);
const digitCount = (v: string) => v.replace(/\D/g, "").length;

/** What a value of each built-in type looks like. Loose where people write them many ways (phones, ids). */
const SHAPES: Readonly<Record<string, (value: string) => boolean>> = {
  email: isEmail,
  card_number: isCardNumber,
  iban: (v) => isWhole(findIbans(v), v),
  phone: (v) => /^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i.test(v) && digitCount(v) >= 6 && digitCount(v) <= 18,
  national_id: (v) => /^[\p{L}\d\s.\-/]{4,24}$/u.test(v) && digitCount(v) >= 4,
  person_name: (v) => /^[\p{L}\p{M}' .,-]+$/u.test(v) && /\p{L}/u.test(v),
  address: (v) => /\p{L}/u.test(v) && !isEmail(v) && !isCardNumber(v),
};

/** Types whose values are text: a number, date or boolean column cannot hold them. */
const TEXT_TYPES = new Set(["email", "iban", "person_name", "address"]);
/** Types that may be stored as numbers (a card number in a bigint), but not as dates, booleans or uuids. */
const NUMBER_OR_TEXT_TYPES = new Set(["card_number", "phone", "national_id"]);
const NUMERIC_TYPE_NAME = /^(smallint|integer|bigint|numeric|decimal|real|double precision|money)\b/;

/** Other things a free-text type's values may turn out to be, worth naming. */
const LOOKALIKES: readonly { test: (v: string) => boolean; plural: string }[] = [
  { test: isEmail, plural: "email addresses" },
  { test: isCardNumber, plural: "card numbers" },
];
const FREE_TEXT_TYPES = new Set(["person_name", "address"]);

function lowerFirst(label: string): string {
  return /^.[A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

function withArticle(label: string): string {
  return `${/^[aeiou]/i.test(label) ? "an" : "a"} ${label}`;
}

/** The reason the type does not fit, in a sentence, or null when it fits (or nothing can be said). */
export function judgeSemanticFit({ typeId, typeLabel, valueClass, columnType, values }: SemanticFitInput): string | null {
  const label = lowerFirst(typeLabel.trim() || typeId);
  const isNumeric = valueClass === "int8" || valueClass === "numeric" || NUMERIC_TYPE_NAME.test(columnType);
  if (TEXT_TYPES.has(typeId) && (isNumeric || valueClass === "plain" || valueClass === "bytea")) {
    return `This is ${withArticle(columnType)} column; ${withArticle(label)} is text.`;
  }
  if (NUMBER_OR_TEXT_TYPES.has(typeId) && (valueClass === "bytea" || (valueClass === "plain" && !isNumeric))) {
    return `This is ${withArticle(columnType)} column; it cannot hold ${withArticle(label)}.`;
  }

  const shape = SHAPES[typeId];
  const sample = values.filter((v): v is string => v !== null).map((v) => v.trim()).filter((v) => v.length > 0);
  if (!shape || sample.length === 0) return null;
  const fitting = sample.filter(shape).length;
  const total = sample.length === 1 ? "the 1 sample value" : `the ${sample.length} sample values`;
  if (FREE_TEXT_TYPES.has(typeId)) {
    const lookalike = LOOKALIKES.find((l) => sample.filter(l.test).length * 2 > sample.length);
    if (lookalike) return `Most of ${total} look like ${lookalike.plural}, not ${withArticle(label)}.`;
  }
  if (fitting * 2 >= sample.length) return null;
  if (fitting === 0) return `None of ${total} looks like ${withArticle(label)}.`;
  return `Only ${fitting} of ${total} look like ${withArticle(label)}.`;
}
