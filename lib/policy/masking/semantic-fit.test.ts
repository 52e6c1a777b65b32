import { describe, expect, it } from "vitest";
import { judgeSemanticFit, type SemanticFitInput } from "./semantic-fit";

const text = (typeId: string, typeLabel: string, values: (string | null)[]): SemanticFitInput => ({ typeId, typeLabel, valueClass: "text", columnType: "text", values });

describe("judgeSemanticFit", () => {
  it("warns when addresses are marked as emails, without quoting a value", () => {
    const warning = judgeSemanticFit(text("email", "Email address", ["221B Baker Street, London", "10 Downing Street", null, "1600 Pennsylvania Ave NW"]));
    expect(warning).toBe("None of the 3 sample values looks like an email address.");
    expect(warning).not.toContain("Baker");
  });

  it("accepts columns whose values have the type's shape, and a few odd ones among them", () => {
    expect(judgeSemanticFit(text("email", "Email address", ["jane@example.com", "bob@example.org", "n/a"]))).toBeNull();
    expect(judgeSemanticFit(text("card_number", "Card number", ["4111 1111 1111 1111", "5555555555554444"]))).toBeNull();
    expect(judgeSemanticFit(text("phone", "Phone number", ["+44 20 7946 0958", "(415) 555-0123", "030 1234567"]))).toBeNull();
    expect(judgeSemanticFit(text("address", "Postal address", ["221B Baker Street, London"]))).toBeNull();
    expect(judgeSemanticFit(text("person_name", "Person name", ["Jane Doe", "Zoë O'Brien"]))).toBeNull();
  });

  it("counts the ones that fit when fewer than half do", () => {
    expect(judgeSemanticFit(text("card_number", "Card number", ["4111 1111 1111 1111", "hello", "world"]))).toBe("Only 1 of the 3 sample values look like a card number.");
  });

  it("names what free-text values look like instead", () => {
    expect(judgeSemanticFit(text("address", "Postal address", ["jane@example.com", "bob@example.org"]))).toBe(
      "Most of the 2 sample values look like email addresses, not a postal address.",
    );
  });

  it("judges the column's type: no email in a bigint, no card number in a date; numbers may hold card numbers", () => {
    expect(judgeSemanticFit({ typeId: "email", typeLabel: "Email address", valueClass: "int8", columnType: "bigint", values: ["1", "2"] })).toBe(
      "This is a bigint column; an email address is text.",
    );
    expect(judgeSemanticFit({ typeId: "card_number", typeLabel: "Card number", valueClass: "plain", columnType: "date", values: [] })).toBe(
      "This is a date column; it cannot hold a card number.",
    );
    expect(judgeSemanticFit({ typeId: "card_number", typeLabel: "Card number", valueClass: "int8", columnType: "bigint", values: ["4111111111111111"] })).toBeNull();
  });

  it("says nothing without values to judge, or for a type it has no shape for", () => {
    expect(judgeSemanticFit(text("email", "Email address", [null, " "]))).toBeNull();
    expect(judgeSemanticFit(text("loyalty_id", "Loyalty id", ["x", "y"]))).toBeNull();
    expect(judgeSemanticFit(text("secret", "Secret", ["anything"]))).toBeNull();
  });
});
