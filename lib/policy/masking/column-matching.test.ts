import { describe, expect, it } from "vitest";
import { createColumnMatcher, findColumnSemanticType } from "./column-matching";
import { compileNameGlob } from "./name-glob";

const masking = {
  columnRules: [
    { column: "public.customers.contact", semanticType: "email" },
    { column: "billing.Payments.PAN", semanticType: "card_number" },
  ],
  namePatterns: [
    { pattern: "*email*", semanticType: "email" },
    { pattern: "phone?", semanticType: "phone" },
    { pattern: "*card_number*", semanticType: "card_number" },
    { pattern: "*", semanticType: "secret" },
  ],
};
const onlyPatterns = { columnRules: [], namePatterns: masking.namePatterns.slice(0, 3) };

describe("column matching", () => {
  const match = createColumnMatcher(masking);

  it("prefers the column rule on the source column, whatever the result column is called", () => {
    expect(match({ schema: "public", table: "customers", column: "contact" }, "c")).toEqual({
      semanticType: "email",
      matchedBy: "column_rule",
      rule: "public.customers.contact",
    });
  });

  it("applies a rule written in another case to the folded column name", () => {
    expect(match({ schema: "billing", table: "payments", column: "pan" }, "pan")).toEqual({
      semanticType: "card_number",
      matchedBy: "column_rule",
      rule: "billing.Payments.PAN",
    });
  });

  it("prefers an exact rule over one that matches only ignoring case", () => {
    const m = createColumnMatcher({
      columnRules: [
        { column: "public.t.Note", semanticType: "secret" },
        { column: "public.t.note", semanticType: "person_name" },
      ],
      namePatterns: [],
    });
    expect(m({ schema: "public", table: "t", column: "note" }, "note")?.semanticType).toBe("person_name");
    expect(m({ schema: "public", table: "t", column: "Note" }, "Note")?.semanticType).toBe("secret");
  });

  it("falls back to name patterns, in policy order, ignoring case", () => {
    const m = createColumnMatcher(onlyPatterns);
    expect(m({ schema: "public", table: "users", column: "Work_EMAIL_address" }, "x")).toEqual({
      semanticType: "email",
      matchedBy: "name_pattern",
      rule: "*email*",
    });
    expect(m({ schema: "public", table: "users", column: "phone2" }, "phone2")?.semanticType).toBe("phone");
    expect(m({ schema: "public", table: "users", column: "phone" }, "phone")).toBeNull();
    expect(m({ schema: "public", table: "users", column: "phone12" }, "phone12")).toBeNull();
    expect(m({ schema: "public", table: "users", column: "id" }, "id")).toBeNull();
    // The first matching pattern wins even when a later one matches too.
    expect(match({ schema: "s", table: "t", column: "email" }, "email")?.rule).toBe("*email*");
    expect(match({ schema: "s", table: "t", column: "notes" }, "notes")?.rule).toBe("*");
  });

  it("matches patterns against the source column behind an alias, and against the alias", () => {
    const m = createColumnMatcher(onlyPatterns);
    expect(m({ schema: "public", table: "users", column: "email" }, "e")?.semanticType).toBe("email");
    expect(m({ schema: "public", table: "users", column: "id" }, "email_hint")?.semanticType).toBe("email");
  });

  it("matches a computed column by its name only", () => {
    const m = createColumnMatcher(onlyPatterns);
    expect(m(null, "lower_email")?.semanticType).toBe("email");
    expect(m(null, "?column?")).toBeNull();
    expect(findColumnSemanticType(onlyPatterns, null, "CARD_NUMBER_LAST")).toEqual({
      semanticType: "card_number",
      matchedBy: "name_pattern",
      rule: "*card_number*",
    });
  });
});

describe("compileNameGlob", () => {
  it("treats everything except * and ? literally", () => {
    expect(compileNameGlob("a.b").test("a.b")).toBe(true);
    expect(compileNameGlob("a.b").test("axb")).toBe(false);
    expect(compileNameGlob("x-(y)+[z]").test("X-(Y)+[Z]")).toBe(true);
    expect(compileNameGlob("ssn").test("ssn_hash")).toBe(false);
    expect(compileNameGlob("ssn*").test("ssn_hash")).toBe(true);
    expect(compileNameGlob("*é*").test("CAFÉ")).toBe(true);
  });
});
