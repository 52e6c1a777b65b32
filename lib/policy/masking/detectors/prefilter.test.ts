import { describe, expect, it } from "vitest";
import { DETECTORS, type Detector } from "../../policy-document";
import { CONTENT_DETECTORS } from ".";
import { detectorBit, detectorMask, possibleDetectors } from "./prefilter";

const ALL = detectorMask(DETECTORS);

// Built at run time from obviously fake parts, so secret scanners do not flag this file.
const fake = (prefix: string, body: string, n: number) => prefix + body.repeat(Math.ceil(n / body.length)).slice(0, n);
const JWT_HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");

/** Texts each detector finds something in (from the detectors' own tests), to be embedded in noise. */
const FINDINGS: Record<Detector, string[]> = {
  card_number: ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004", "3782 822463 10005", "4222222222222", "6011000000000000001"],
  email: ["john@example.com", "j.o'brien+tag@mail.example.co.uk", "zoë@exämple.de", "a_b@globex.io", "x@y.org"],
  phone: ["+14155550123", "+44 20 7946 0958", "+1 (415) 555-0123", "+1-415-555-0123", "(415) 555-0123", "(415)555-0123", "415-555-0123", "415.555.0123", "1-415-555-0123"],
  iban: ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "de89370400440532013000", "NO93 8601 1117 947"],
  us_ssn: ["123-45-6789", "078-05-1120"],
  jwt: [`${JWT_HEADER}.eyJzdWIiOiIxIn0.c2ln`, `${JWT_HEADER}..`, `${JWT_HEADER}.a.b.c.d`],
  cloud_key: [
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    'AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    '{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}',
    fake("AIza", "Fake_Key-", 35),
    '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}',
    fake("ghp_", "Fake0", 36),
    fake("gho_", "Fake0", 36),
    fake("github_pat_", "Fake0_", 82),
    "xoxb-1234567890-1234567890123-FakeFakeFakeFakeFake",
    "xoxp-1234567890-abcdef",
    "https://hooks.slack.com/services/T00000000/B00000000/FakeFakeFakeFakeFakeFake",
  ],
  private_key: ["-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----\\nMIIE", "-----BEGIN PGP PRIVATE KEY BLOCK-----"],
};

/** A deterministic generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Noise around a finding: ASCII punctuation and letters, digits, multi-byte characters and bytes that are not UTF-8. */
const NOISE: Buffer[] = ["a", "Z", " ", "-", ".", "+", "(", ")", "@", "e", "7", "0", "_", ",", '"', "é", "€", "😀", "\n"].map((s) => Buffer.from(s)).concat([Buffer.from([0xff]), Buffer.from([0xe2, 0x82])]);

function noisy(next: () => number, core: Buffer, spread: number): Buffer {
  const parts: Buffer[] = [];
  const around = () => {
    const n = Math.floor(next() * spread);
    for (let i = 0; i < n; i++) parts.push(NOISE[Math.floor(next() * NOISE.length)]!);
  };
  around();
  parts.push(core);
  around();
  return Buffer.concat(parts);
}

/** Every detector that finds something in the bytes' text must be among the possible ones. */
function missed(bytes: Buffer): Detector[] {
  const text = bytes.toString("utf8");
  const possible = possibleDetectors(bytes, 0, bytes.length, ALL);
  return DETECTORS.filter((d) => CONTENT_DETECTORS[d].find(text).length > 0 && (possible & detectorBit(d)) === 0);
}

describe("possibleDetectors", () => {
  it("keeps every detector that finds something, in the detectors' own examples", () => {
    for (const [detector, texts] of Object.entries(FINDINGS)) {
      for (const text of texts) {
        expect(CONTENT_DETECTORS[detector as Detector].find(text).length, `${detector} finds ${text}`).toBeGreaterThan(0);
        expect(missed(Buffer.from(text)), text).toEqual([]);
      }
    }
  });

  it("keeps every detector that finds something, with the findings inside noise, multi-byte characters and invalid UTF-8", () => {
    const next = random(7);
    const cores = Object.values(FINDINGS).flat();
    const misses: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const core = Buffer.from(cores[n % cores.length]!);
      const bytes = noisy(next, n % 3 === 0 ? Buffer.alloc(0) : core, 12);
      const m = missed(bytes);
      if (m.length > 0) misses.push(`${m.join(",")} in ${JSON.stringify(bytes.toString("utf8"))}`);
    }
    expect(misses.slice(0, 5)).toEqual([]);
  });

  it("keeps the phone detector wherever it finds a number, in random runs of digits, separators, plus signs and parentheses", () => {
    const next = random(3);
    const parts = ["+", "+1", "+44", "+353", " ", "-", ".", "(", ")", "(415)", "(7946)", "(12345)", "1", "20", "555", "7946", "0958", "12345", "123456", "1234567", "a", "_", ","];
    const misses: string[] = [];
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      const count = 2 + Math.floor(next() * 10);
      for (let i = 0; i < count; i++) text += parts[Math.floor(next() * parts.length)];
      if (CONTENT_DETECTORS.phone.find(text).length > 0) found++;
      const m = missed(Buffer.from(text));
      if (m.length > 0) misses.push(`${m.join(",")} in ${JSON.stringify(text)}`);
    }
    expect(misses.slice(0, 5)).toEqual([]);
    // The generator makes numbers the detector finds, or the test would prove nothing.
    expect(found).toBeGreaterThan(1000);
  });

  it("rules out what the bench's rows and ordinary values cannot hold", () => {
    const possible = (text: string, enabled = ALL) => DETECTORS.filter((d) => possibleDetectors(Buffer.from(text), 0, Buffer.byteLength(text), enabled) & detectorBit(d));
    expect(possible("person123456@example.com")).toEqual(["email"]);
    // The phone detector finds nothing in the bench's phones (their last group has 7 digits), and the scan sees that.
    expect(possible("+1 555 0000001")).toEqual([]);
    expect(possible("+1 555 000 0001")).toEqual(["phone"]);
    expect(possible("+14155550123")).toEqual(["phone"]);
    expect(possible("4111 1111 1111 1111")).toEqual(["card_number"]);
    expect(possible("hello world")).toEqual([]);
    expect(possible("2024-01-15 12:30:45")).toEqual(["card_number", "phone"]);
    expect(possible("person123456@example.com", detectorMask(["card_number", "iban", "us_ssn", "jwt", "cloud_key", "private_key"]))).toEqual([]);
  });

  it("looks only between start and end", () => {
    const bytes = Buffer.from("4111111111111111|hello");
    expect(possibleDetectors(bytes, 17, bytes.length, ALL)).toBe(0);
    expect(possibleDetectors(bytes, 0, 16, ALL)).toBe(detectorBit("card_number"));
  });
});
