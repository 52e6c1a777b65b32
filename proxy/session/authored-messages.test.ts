import type { DatabaseError } from "pg-protocol/dist/messages";
import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { decisionForOutcome } from "../approvals/approval-outcome";
import { maskServerMessage } from "../masking/message-masking";
import { compileMasking } from "../masking/result-masking";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { errorResponse } from "../protocol/backend-messages";
import { AuthoredMessages } from "./authored-messages";

const m = compileMasking(1, demoPolicy().masking, createNodeMaskingContext(Buffer.alloc(32, 7)));
const noTables = async () => null;
/** A real randomUUID() whose digit groups "25860-7149-4252-9765" pass the card detector (Luhn-valid, 17 digits). */
const CARD_LIKE_ID = "9bf25860-7149-4252-9765-c3956d41bb8b";

/** What the server sends back for a raised refusal: the message and code, plus its own fields. */
function raised(sqlState: string, message: string): Buffer {
  return errorResponse({ severity: "ERROR", sqlState, message });
}

async function messageOf(frame: Buffer | Promise<Buffer>): Promise<string> {
  return decodeBackendFrame<DatabaseError>(await frame).message;
}

function rejection(comment: string) {
  const decision = decisionForOutcome(CARD_LIKE_ID, {
    kind: "closed",
    request: { id: CARD_LIKE_ID, status: "rejected", decidedBy: "rita@example.com", decidedAt: new Date(), decisionComment: comment } as never,
  });
  if (decision.action !== "block") throw new Error("expected a block");
  return decision;
}

describe("the gateway's own words", () => {
  it("are recognised once, by exact SQLSTATE and message, as the raise words them", () => {
    const authored = new AuthoredMessages();
    authored.expect("42501", "No $warden_block$dollar tags", ["tags"]);
    expect(authored.take(raised("42501", "No dollar tags (but not this)"))).toBeNull();
    expect(authored.take(raised("57014", "No dollar tags"))).toBeNull();
    expect(authored.take(errorResponse({ severity: "ERROR", sqlState: "42501", message: "No dollar tags" }).subarray(0, 3))).toBeNull();
    expect(authored.take(raised("42501", "No dollar tags"))).toEqual({ message: "No dollar tags", quoted: ["tags"] });
    // Taken: the same text again is the server's.
    expect(authored.take(raised("42501", "No dollar tags"))).toBeNull();
  });

  it("keep a request id that looks like a card number and the reviewer's address; the comment is masked", async () => {
    const d = rejection("refund 4111 1111 1111 1111 first");
    const authored = new AuthoredMessages();
    authored.expect(d.sqlState, d.message, d.quoted);
    const frame = raised(d.sqlState, d.message);
    const message = await messageOf(maskServerMessage(frame, m, noTables, authored.take(frame)!));
    expect(message).toBe(`Rejected by rita@example.com (approval request ${CARD_LIKE_ID}): refund **** **** **** 1111 first`);
  });

  it("the same text from the server (not a refusal the gateway sent) goes through the detectors", async () => {
    const d = rejection("refund 4111 1111 1111 1111 first");
    const message = await messageOf(maskServerMessage(raised(d.sqlState, d.message), m, noTables));
    expect(message).not.toContain("rita@example.com");
    expect(message).not.toContain(CARD_LIKE_ID);
    expect(message).toContain("**** **** **** 1111");
  });

  it("fail closed: a frame whose message is not the authored one, or whose quoted part is missing, is detected whole", async () => {
    const d = rejection("ok");
    const frame = raised(d.sqlState, `${d.message} and ann@example.com`);
    expect(await messageOf(maskServerMessage(frame, m, noTables, { message: d.message, quoted: [] }))).not.toContain("ann@example.com");
    const own = raised(d.sqlState, d.message);
    expect(await messageOf(maskServerMessage(own, m, noTables, { message: d.message, quoted: ["not in the text"] }))).not.toContain("rita@example.com");
  });

  it("a rejection without a comment quotes nothing", () => {
    expect(rejection("   ")).toMatchObject({ message: expect.stringMatching(/: no comment given$/), quoted: [] });
  });

  it("a comment repeating the reviewer's address is the part detected, not the gateway's words before it", async () => {
    const detectEmails = compileMasking(1, { ...demoPolicy().masking, detectors: demoPolicy().masking.detectors.map((d) => ({ ...d, isEnabled: d.detector === "email" })) }, createNodeMaskingContext(Buffer.alloc(32, 7)));
    const d = rejection("rita@example.com");
    const frame = raised(d.sqlState, d.message);
    const message = await messageOf(maskServerMessage(frame, detectEmails, noTables, { message: d.message, quoted: d.quoted! }));
    expect(message.startsWith(`Rejected by rita@example.com (approval request ${CARD_LIKE_ID}): `)).toBe(true);
    expect(message.endsWith(": rita@example.com")).toBe(false);
  });
});
