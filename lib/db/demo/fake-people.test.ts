import { describe, expect, it } from "vitest";
import {
  createRng,
  fakeAddress,
  fakeCard,
  fakeCreatedAt,
  fakeEmail,
  fakeName,
  fakeNationalId,
  fakePhone,
  generateCustomers,
  isLuhnValid,
  isPlausibleSsn,
  luhnCheckDigit,
  mulberry32,
  THREE_YEARS_MS,
} from "./fake-people";
import { generateOrders, ORDER_STATUSES } from "./seed-demo-database";

const NOW = new Date("2025-06-01T12:00:00Z");

describe("Luhn", () => {
  it("accepts well-known valid numbers, with or without separators", () => {
    for (const n of [
      "4111111111111111",
      "4242424242424242",
      "5555555555554444",
      "5105105105105100",
      "378282246310005",
      "371449635398431",
      "4111 1111 1111 1111",
      "3782-822463-10005",
      "79927398713",
    ]) {
      expect(isLuhnValid(n), n).toBe(true);
    }
  });

  it("rejects known-invalid numbers and non-numbers", () => {
    for (const n of [
      "4111111111111112",
      "5555555555554443",
      "378282246310006",
      "1234567812345678",
      "79927398710",
      "",
      "0",
      "4111-1111-1111-111a",
      "4111.1111.1111.1111",
      "12345678901234567890", // 20 digits: too long for a card
    ]) {
      expect(isLuhnValid(n), n).toBe(false);
    }
  });

  it("computes check digits", () => {
    expect(luhnCheckDigit("7992739871")).toBe(3);
    expect(luhnCheckDigit("411111111111111")).toBe(1);
    expect(luhnCheckDigit("37828224631000")).toBe(5);
    expect(() => luhnCheckDigit("12a")).toThrow();
    expect(() => luhnCheckDigit("")).toThrow();
  });
});

describe("cards", () => {
  it("every generated card passes Luhn and has its brand's prefix and length", () => {
    const rng = createRng(7);
    const separators = new Set<string>();
    const bad: unknown[] = [];
    const prefix = { visa: /^4\d{15}$/, mastercard: /^5[1-5]\d{14}$/, amex: /^3[47]\d{13}$/ };
    for (let i = 0; i < 10_000; i++) {
      const card = fakeCard(rng);
      if (
        !isLuhnValid(card.formatted) ||
        !isLuhnValid(card.digits) ||
        card.formatted.replace(/[ -]/g, "") !== card.digits ||
        !prefix[card.brand].test(card.digits)
      ) {
        bad.push(card);
      }
      separators.add(card.formatted.includes(" ") ? "space" : card.formatted.includes("-") ? "dash" : "none");
    }
    expect(bad).toEqual([]);
    expect([...separators].sort()).toEqual(["dash", "none", "space"]);
  });

  it("generates all three brands", () => {
    const rng = createRng(3);
    const brands = new Set(Array.from({ length: 500 }, () => fakeCard(rng).brand));
    expect([...brands].sort()).toEqual(["amex", "mastercard", "visa"]);
  });

  it("changing one digit of a generated card breaks Luhn", () => {
    const rng = createRng(11);
    for (let i = 0; i < 200; i++) {
      const { digits } = fakeCard(rng);
      const last = Number(digits.at(-1));
      expect(isLuhnValid(digits.slice(0, -1) + String((last + 1) % 10))).toBe(false);
    }
  });
});

describe("determinism", () => {
  it("mulberry32 yields the same stream for the same seed and a different one otherwise", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = Array.from({ length: 20 }, a);
    expect(Array.from({ length: 20 }, b)).toEqual(sa);
    expect(Array.from({ length: 20 }, c)).not.toEqual(sa);
    for (const x of sa) expect(x >= 0 && x < 1).toBe(true);
  });

  it("each generator is deterministic for a seed", () => {
    const run = (seed: number) => {
      const rng = createRng(seed);
      const name = fakeName(rng);
      return [
        name.full,
        fakeEmail(rng, name.first, name.last),
        fakePhone(rng),
        fakeCard(rng).formatted,
        fakeNationalId(rng),
        fakeAddress(rng),
        fakeCreatedAt(rng, NOW).toISOString(),
      ];
    };
    expect(run(99)).toEqual(run(99));
    expect(run(99)).not.toEqual(run(100));
  });

  it("generateCustomers and generateOrders are deterministic for a seed and now", () => {
    const a = generateCustomers(300, { seed: 5, now: NOW });
    const b = generateCustomers(300, { seed: 5, now: NOW });
    expect(b).toEqual(a);
    expect(generateCustomers(300, { seed: 6, now: NOW })).not.toEqual(a);
    expect(generateOrders(a, 1000, { seed: 5, now: NOW })).toEqual(generateOrders(b, 1000, { seed: 5, now: NOW }));
  });
});

describe("national ids", () => {
  it("are SSN-shaped and avoid area 000, 666 and 9xx, group 00, serial 0000", () => {
    const rng = createRng(1);
    const areas = new Set<number>();
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const id = fakeNationalId(rng);
      const [area, group, serial] = id.split("-");
      if (
        !/^\d{3}-\d{2}-\d{4}$/.test(id) ||
        !isPlausibleSsn(id) ||
        area === "000" ||
        area === "666" ||
        area![0] === "9" ||
        group === "00" ||
        serial === "0000"
      ) {
        bad.push(id);
      }
      areas.add(Number(area));
    }
    expect(bad).toEqual([]);
    expect(areas.has(665) || areas.has(667)).toBe(true); // the range around 666 is still used
  });

  it("isPlausibleSsn rejects the invalid ranges", () => {
    for (const s of ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "123456789"]) {
      expect(isPlausibleSsn(s), s).toBe(false);
    }
    expect(isPlausibleSsn("123-45-6789")).toBe(true);
  });
});

describe("phones, addresses, timestamps", () => {
  it("phones come in several formats", () => {
    const rng = createRng(2);
    const formats = new Set<string>();
    const patterns: [string, RegExp][] = [
      ["e164-us", /^\+1\d{10}$/],
      ["paren", /^\(\d{3}\) \d{3}-\d{4}$/],
      ["dashed", /^\d{3}-\d{3}-\d{4}$/],
      ["uk-london", /^\+44 20 \d{4} \d{4}$/],
      ["uk-mobile", /^\+44 7\d{3} \d{6}$/],
    ];
    for (let i = 0; i < 1000; i++) {
      const p = fakePhone(rng);
      const match = patterns.find(([, re]) => re.test(p));
      expect(match, p).toBeDefined();
      formats.add(match![0]);
    }
    expect(formats.size).toBe(patterns.length);
  });

  it("addresses look like '1234 Oak Street, Springfield, IL 62704'", () => {
    const rng = createRng(4);
    for (let i = 0; i < 500; i++) {
      expect(fakeAddress(rng)).toMatch(/^\d{1,4} [A-Z][a-z]+ [A-Z][a-z]+, [A-Z][a-zA-Z ]+, [A-Z]{2} \d{5}$/);
    }
  });

  it("created_at falls within the last 3 years", () => {
    const rng = createRng(8);
    for (let i = 0; i < 2000; i++) {
      const t = fakeCreatedAt(rng, NOW).getTime();
      expect(t).toBeLessThanOrEqual(NOW.getTime());
      expect(t).toBeGreaterThan(NOW.getTime() - THREE_YEARS_MS - 1000);
    }
  });
});

describe("generateCustomers", () => {
  const customers = generateCustomers(5000, { seed: 12345, now: NOW });

  it("emails are unique within 5000 and look like emails", () => {
    const emails = customers.map((c) => c.email);
    expect(new Set(emails).size).toBe(5000);
    for (const e of emails) expect(e).toMatch(/^[a-z][a-z0-9._]*@[a-z0-9.-]+\.[a-z]{2,}$/);
    expect(new Set(emails.map((e) => e.split("@")[1])).size).toBeGreaterThan(5);
  });

  it("gives a few hundred distinct names", () => {
    expect(new Set(customers.map((c) => c.name)).size).toBeGreaterThan(300);
  });

  it("stored cards all pass Luhn, some fields are null, rows are sorted by created_at", () => {
    let nullCards = 0;
    for (const c of customers) {
      if (c.cardNumber === null) nullCards++;
      else expect(isLuhnValid(c.cardNumber), c.cardNumber).toBe(true);
      if (c.nationalId !== null) expect(isPlausibleSsn(c.nationalId)).toBe(true);
    }
    expect(nullCards).toBeGreaterThan(0);
    expect(nullCards).toBeLessThan(customers.length / 2);
    for (let i = 1; i < customers.length; i++) {
      expect(customers[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(customers[i - 1]!.createdAt.getTime());
    }
  });

  it("orders follow their customer's signup and use valid statuses and amounts", () => {
    const orders = generateOrders(customers, 20_000, { seed: 12345, now: NOW });
    expect(orders).toHaveLength(20_000);
    const bad = orders.filter(
      (o) =>
        !(ORDER_STATUSES as readonly string[]).includes(o.status) ||
        !/^\d{1,4}\.\d{2}$/.test(o.amount) ||
        Number(o.amount) < 5 ||
        Number(o.amount) >= 1000 ||
        o.createdAt.getTime() < customers[o.customerIndex]!.createdAt.getTime() ||
        o.createdAt.getTime() > NOW.getTime(),
    );
    expect(bad).toEqual([]);
    expect(new Set(orders.map((o) => o.status)).size).toBe(ORDER_STATUSES.length);
  });
});
