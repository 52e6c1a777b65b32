import type { ValueClass } from "@/lib/policy/masking/value-classes";

/**
 * How masking reads and writes a value, by its class (lib/policy/masking/value-classes.ts). In text
 * format every value is text. In binary format only text-like types carry text (their send function
 * sends the characters), so only they can be masked in place; any other masked binary value becomes NULL.
 * https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-FORMAT-CODES
 */

/** The text a value carries, for masking and detectors; null when the format has none to offer. */
export function readValueText(value: Buffer, cls: ValueClass, isBinary: boolean): string | null {
  if (!isBinary) return value.toString("utf8");
  switch (cls) {
    case "text":
    case "json":
      return value.toString("utf8");
    case "jsonb":
      // Version 1 is the only one there is; another would be a format we cannot read.
      if (value[0] !== 1) throw new Error(`jsonb binary version ${value[0]} is not supported`);
      return value.toString("utf8", 1);
    case "int8":
      return value.length === 8 ? value.readBigInt64BE(0).toString() : null;
    case "numeric":
      return decodeBinaryNumeric(value);
    case "other":
      // Arrays and records of text carry their elements' text among length words: search it as is.
      return value.toString("utf8");
    default:
      return null;
  }
}

/** Whether a masked text can be written back in this format; otherwise the value becomes NULL. */
export function canWriteText(cls: ValueClass, isBinary: boolean): boolean {
  return !isBinary || cls === "text" || cls === "json" || cls === "jsonb";
}

export function writeValueText(text: string, cls: ValueClass, isBinary: boolean): Buffer {
  if (isBinary && cls === "jsonb") return Buffer.concat([Buffer.from([1]), Buffer.from(text, "utf8")]);
  return Buffer.from(text, "utf8");
}

/**
 * numeric's binary form: ndigits, weight, sign, dscale (int16 each), then base-10000 digits.
 * https://github.com/postgres/postgres/blob/master/src/backend/utils/adt/numeric.c (numeric_send)
 */
export function decodeBinaryNumeric(value: Buffer): string | null {
  if (value.length < 8) return null;
  const ndigits = value.readInt16BE(0);
  const weight = value.readInt16BE(2);
  const sign = value.readUInt16BE(4);
  const dscale = value.readInt16BE(6);
  if (sign === 0xc000) return "NaN";
  if (sign === 0xd000) return "Infinity";
  if (sign === 0xf000) return "-Infinity";
  if (value.length < 8 + 2 * ndigits) return null;
  const digits: string[] = [];
  for (let i = 0; i < ndigits; i++) digits.push(String(value.readInt16BE(8 + 2 * i)).padStart(4, "0"));
  // Digit groups before the decimal point: weight + 1 (missing ones are zeros).
  const intGroups = weight + 1;
  let intPart = "";
  for (let i = 0; i < Math.max(intGroups, 0); i++) intPart += digits[i] ?? "0000";
  intPart = intPart.replace(/^0+(?=\d)/, "") || "0";
  let frac = "";
  for (let i = Math.max(intGroups, 0); i < ndigits; i++) frac += digits[i];
  if (intGroups < 0) frac = "0000".repeat(-intGroups) + frac;
  frac = frac.slice(0, dscale).padEnd(dscale, "0");
  return `${sign === 0x4000 ? "-" : ""}${intPart}${dscale > 0 ? `.${frac}` : ""}`;
}
