import { describe, expect, it } from "vitest";
import { BUILT_IN_SEMANTIC_TYPE_IDS } from "../policy-document";
import type { MaskingContext } from "./masking-context";
import { BUILT_IN_SEMANTIC_TYPES, defaultTransformedMethod, listSemanticTypes, maskTransformed, maskValue, resolveSemanticType } from "./semantic-types";

const ctx: MaskingContext = { hmac: () => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" };
const none = { semanticTypes: [] };
const maskAs = (id: string, value: string, masking: Parameters<typeof resolveSemanticType>[1] = none) =>
  maskValue(value, resolveSemanticType(id, masking)!, ctx);

describe("built-in semantic types", () => {
  it("cover every built-in id the policy document accepts", () => {
    expect(Object.keys(BUILT_IN_SEMANTIC_TYPES).sort()).toEqual([...BUILT_IN_SEMANTIC_TYPE_IDS].sort());
  });

  it("mask with their default methods", () => {
    expect(maskAs("card_number", "4111 1111 1111 1111")).toBe("**** **** **** 1111");
    expect(maskAs("card_number", "4111111111111111")).toBe("************1111");
    expect(maskAs("email", "john@example.com")).toBe("j***@example.com");
    expect(maskAs("phone", "(415) 555-0123")).toBe("(***) ***-**23");
    expect(maskAs("phone", "+44 20 7946 0958")).toBe("+** ** **** **58");
    expect(maskAs("national_id", "123-45-6789")).toBe("***-**-6789");
    expect(maskAs("iban", "DE89370400440532013000")).toBe("DE89**************3000");
    expect(maskAs("secret", "hunter2")).toBe("[redacted]");
    expect(maskAs("person_name", "María José")).toBe("M*********");
    expect(maskAs("address", "1234 Oak Street, Springfield, IL 62704")).toBe("[address]");
  });
});

describe("resolveSemanticType", () => {
  const masking = {
    semanticTypes: [
      { id: "card_number", label: "Card (hashed)", method: { algorithm: "hash" as const } },
      { id: "phone", label: "Phone, last 4", method: { algorithm: "partial" as const, keepLast: 4 } },
      { id: "employee_code", label: "Employee code", method: { algorithm: "partial" as const, keepFirst: 2 } },
    ],
  };

  it("lets a policy replace a built-in's method while keeping its format", () => {
    expect(resolveSemanticType("card_number", masking)).toEqual({ id: "card_number", label: "Card (hashed)", method: { algorithm: "hash" }, transformedMethod: { algorithm: "full", replacement: "****" }, format: "grouped" });
    expect(maskAs("card_number", "4111 1111 1111 1111", masking)).toBe("h:0123456789abcdef");
    expect(maskAs("phone", "415-555-0123", masking)).toBe("***-***-0123");
  });

  it("treats an admin's own type as plain text", () => {
    expect(maskAs("employee_code", "AB-1234", masking)).toBe("AB*****");
  });

  it("returns null for a type neither built in nor declared", () => {
    expect(resolveSemanticType("employee_code", none)).toBeNull();
    expect(resolveSemanticType("nope", masking)).toBeNull();
  });

  it("lists built-ins first, as overridden, then the policy's own", () => {
    const ids = listSemanticTypes(masking).map((t) => `${t.id}:${t.label}`);
    expect(ids).toEqual([
      "card_number:Card (hashed)",
      "email:Email address",
      "phone:Phone, last 4",
      "national_id:National id",
      "iban:IBAN",
      "secret:Secret",
      "person_name:Person name",
      "address:Postal address",
      "employee_code:Employee code",
    ]);
  });
});

describe("transformed values", () => {
  it("are masked in full by default, keeping a full type's substitute and a null type's NULL", () => {
    expect(defaultTransformedMethod({ algorithm: "partial", keepLast: 4 })).toEqual({ algorithm: "full", replacement: "****" });
    expect(defaultTransformedMethod({ algorithm: "hash" })).toEqual({ algorithm: "full", replacement: "****" });
    expect(defaultTransformedMethod({ algorithm: "full", replacement: "[x]" })).toEqual({ algorithm: "full", replacement: "[x]" });
    expect(defaultTransformedMethod({ algorithm: "null" })).toEqual({ algorithm: "null" });
    const none = { semanticTypes: [] };
    expect(maskTransformed("1111 1111 1111 1114", resolveSemanticType("card_number", none)!, ctx)).toBe("****");
    expect(maskTransformed("2retnuh", resolveSemanticType("secret", none)!, ctx)).toBe("[redacted]");
  });

  it("follow the policy's transformedMethod, for built-in and own types", () => {
    const masking = {
      semanticTypes: [
        { id: "email", label: "Email", method: { algorithm: "partial" as const, keepFirst: 1 }, transformedMethod: { algorithm: "hash" as const } },
        { id: "badge", label: "Badge", method: { algorithm: "partial" as const, keepLast: 2 }, transformedMethod: { algorithm: "outer" as const, keepFirst: 1, keepLast: 1 } },
      ],
    };
    expect(maskTransformed("moc.elpmaxe@nhoj", resolveSemanticType("email", masking)!, ctx)).toBe("h:0123456789abcdef");
    expect(maskTransformed("abcd", resolveSemanticType("badge", masking)!, ctx)).toBe("*bc*");
    // A declared type without one: full.
    expect(resolveSemanticType("badge", { semanticTypes: [{ id: "badge", label: "B", method: { algorithm: "hash" } }] })!.transformedMethod).toEqual({ algorithm: "full", replacement: "****" });
  });
});
