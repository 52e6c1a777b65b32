import { describe, expect, it } from "vitest";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { errorResponse, noticeResponse } from "../protocol/backend-messages";
import { demoPolicy } from "@/lib/policy/default-policy";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { maskKeyValues, maskServerMessage, MASKED_PLACEHOLDER } from "./message-masking";
import { compileMasking } from "./result-masking";

const ctx = createNodeMaskingContext(Buffer.alloc(32, 7));
const m = compileMasking(1, demoPolicy().masking, ctx);
const noDetectors = compileMasking(1, { ...demoPolicy().masking, detectors: [] }, ctx);
const CUSTOMERS = ["id", "name", "email", "phone", "card_number", "national_id", "notes"];
const lookup = async () => CUSTOMERS;

/** An ErrorResponse with schema and table fields, as a constraint violation carries them. */
function violation(detail: string, message = "violates a constraint"): Buffer {
  const base = errorResponse({ severity: "ERROR", sqlState: "23505", message, detail });
  // Append s and t before the terminator.
  const extra = Buffer.from("spublic\0tcustomers\0");
  const body = Buffer.concat([base.subarray(5, base.length - 1), extra, Buffer.from([0])]);
  const out = Buffer.alloc(5 + body.length);
  out[0] = 0x45;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

async function detailOf(frame: Buffer | Promise<Buffer>) {
  return decodeBackendFrame<{ detail?: string; message: string } & import("pg-protocol/dist/messages").BackendMessage>(await frame);
}

describe("masking server messages", () => {
  it("masks key values by their column's rule", async () => {
    expect(maskKeyValues("Key (email)=(ann@example.com) already exists.", noDetectors, "public", "customers")).toBe("Key (email)=(a**@example.com) already exists.");
    expect(maskKeyValues("Key (id, email)=(1, ann@example.com) already exists.", noDetectors, "public", "customers")).toBe("Key (id, email)=(1, a**@example.com) already exists.");
    expect(maskKeyValues("Key (lower(email))=(ann@example.com) already exists.", noDetectors, "public", "customers")).toBe("Key (lower(email))=(a**@example.com) already exists.");
    // A rule on a column of that name in any table counts when the error's table does not have one.
    expect(maskKeyValues('Key (email)=(ann@example.com) is not present in table "customers".', noDetectors, "public", "referrals")).toBe(
      'Key (email)=(a**@example.com) is not present in table "customers".',
    );
    expect(maskKeyValues("Key (id)=(7) already exists.", noDetectors, "public", "customers")).toBe("Key (id)=(7) already exists.");
  });

  it("masks the whole value list when its values cannot be split reliably", () => {
    expect(maskKeyValues("Key (email, id)=(a, b@example.com, 3) already exists.", noDetectors, "public", "customers")).toBe(
      `Key (email, id)=(${MASKED_PLACEHOLDER}) already exists.`,
    );
  });

  it("masks a failing row by the table's columns, or all of it when the values do not line up", async () => {
    const frame = violation("Failing row contains (5, null, cy@example.net, null, 4111 1111 1111 1111, null, null).");
    expect((await detailOf(maskServerMessage(frame, noDetectors, lookup))).detail).toBe("Failing row contains (5, null, c*@example.net, null, **** **** **** 1111, null, null).");
    const odd = violation("Failing row contains (5, Lee, Ann, cy@example.net, null, null, null, null).");
    expect((await detailOf(maskServerMessage(odd, noDetectors, lookup))).detail).toBe(`Failing row contains (${MASKED_PLACEHOLDER}).`);
    const listed = violation("Failing row contains (id, email) = (5, cy@example.net).");
    expect((await detailOf(maskServerMessage(listed, noDetectors, lookup))).detail).toBe("Failing row contains (id, email) = (5, c*@example.net).");
  });

  it("runs the detectors over the message, detail, hint and context", async () => {
    const frame = errorResponse({ severity: "ERROR", sqlState: "22P02", message: 'invalid input syntax for type integer: "4111 1111 1111 1111"', hint: "card 5500-0000-0000-0004" });
    const out = await detailOf(maskServerMessage(frame, m, lookup));
    expect(out.message).toBe('invalid input syntax for type integer: "**** **** **** 1111"');
    expect((out as unknown as { hint: string }).hint).toBe("card ****-****-****-0004");
  });

  it("masks a notification's payload with the detectors", () => {
    const channel = Buffer.from("contacts\0");
    const payload = Buffer.from("ann@example.com\0");
    const frame = Buffer.alloc(9 + channel.length + payload.length);
    frame[0] = 0x41;
    frame.writeInt32BE(frame.length - 1, 1);
    frame.writeInt32BE(42, 5);
    channel.copy(frame, 9);
    payload.copy(frame, 9 + channel.length);
    const out = maskServerMessage(frame, m, lookup) as Buffer;
    expect(decodeBackendFrame(out)).toMatchObject({ processId: 42, channel: "contacts", payload: "a**@example.com" });
  });

  it("masks the values a data exception echoes, and what user code raised, when the statement evaluated masked data", async () => {
    const echoed = (frame: Buffer) => detailOf(maskServerMessage(frame, noDetectors, lookup, undefined, true));
    // A reversed card number passes no detector: lineage says the statement computed it from a masked column.
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "22P02", message: 'invalid input syntax for type integer: "1111 1111 1111 1114"' }))).toMatchObject({ message: `invalid input syntax for type integer: "${MASKED_PLACEHOLDER}"` });
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "22003", message: 'value "41111111111111111" is out of range for type bigint' }))).toMatchObject({ message: `value "${MASKED_PLACEHOLDER}" is out of range for type bigint` });
    // A value holding quotes is masked from the first quote to the last; a detail quoting nothing (XML's line) whole.
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "22P02", message: 'invalid input syntax for type json', detail: 'Token "moc"."elpmaxe" is invalid.' }))).toMatchObject({ detail: `Token "${MASKED_PLACEHOLDER}" is invalid.` });
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "2200N", message: "invalid XML content", detail: "line 1: Start tag expected, '<' not found\nmoc.elpmaxe@nna" }))).toMatchObject({ detail: MASKED_PLACEHOLDER });
    // RAISE: the message is the user's code's own text, all of it data.
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "P0001", message: "got moc.elpmaxe@nna", hint: "x" }))).toMatchObject({ message: MASKED_PLACEHOLDER, hint: MASKED_PLACEHOLDER });
    expect(await echoed(noticeResponse({ sqlState: "00000", message: "got moc.elpmaxe@nna" }))).toMatchObject({ message: MASKED_PLACEHOLDER });
    // Messages that come before any value is computed keep their words.
    expect(await echoed(errorResponse({ severity: "ERROR", sqlState: "42703", message: 'column "emial" does not exist' }))).toMatchObject({ message: 'column "emial" does not exist' });
    // A statement that evaluated no masked column: the message as the server wrote it.
    const plain = await detailOf(maskServerMessage(errorResponse({ severity: "ERROR", sqlState: "22P02", message: 'invalid input syntax for type integer: "abc"' }), noDetectors, lookup, undefined, false));
    expect(plain.message).toBe('invalid input syntax for type integer: "abc"');
  });

  it("leaves a message without data as it was", async () => {
    const frame = errorResponse({ severity: "ERROR", sqlState: "42P01", message: 'relation "nope" does not exist' });
    expect(await maskServerMessage(frame, m, lookup)).toEqual(frame);
  });
});
