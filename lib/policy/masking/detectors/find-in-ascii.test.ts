import { describe, expect, it } from "vitest";
import { DETECTORS, type Detector } from "../../policy-document";
import { CONTENT_DETECTORS } from ".";

/** A deterministic generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const WITH_BYTES = DETECTORS.filter((d) => CONTENT_DETECTORS[d].findInAscii);

/**
 * findInAscii must find what find finds in the same text. The bytes sit inside a larger buffer with
 * digits, letters and "@" on both sides (a DataRow frame's neighbouring values), which must not
 * change anything: the search reads only between start and end.
 */
function differences(detector: Detector, text: string): string | null {
  const d = CONTENT_DETECTORS[detector];
  const bytes = Buffer.concat([Buffer.from("9a@1.4"), Buffer.from(text, "latin1"), Buffer.from("4.1b@x")]);
  const want = d.find(text);
  const got = d.findInAscii!(bytes, 6, 6 + text.length);
  return JSON.stringify(got) === JSON.stringify(want) ? null : `${detector} in ${JSON.stringify(text)}: find ${JSON.stringify(want)}, findInAscii ${JSON.stringify(got)}`;
}

function randomText(next: () => number, parts: readonly string[], maxParts: number): string {
  let text = "";
  const count = Math.floor(next() * maxParts);
  for (let i = 0; i < count; i++) text += parts[Math.floor(next() * parts.length)];
  return text;
}

describe("findInAscii", () => {
  it("exists for the detectors the gateway's rows meet most (card numbers, email addresses)", () => {
    expect(WITH_BYTES).toEqual(expect.arrayContaining(["card_number", "email"]));
  });

  it.each(WITH_BYTES)("%s: finds what find finds, on random ASCII texts made of its findings' parts", (detector) => {
    const next = random(11);
    const parts = [
      ...["4111", "1111", "4111111111111111", "5500-0000-0000-0004", "3782 822463 10005", "0", "12", "123456", " ", "-", ".", ","],
      ...["john", "j.o'brien+tag", "@", "@example.com", "example", ".co.uk", ".c", ".io", "a", "_", "-x", "%", "'", "+", "ZZ", "x9", "..", "@@"],
    ];
    const diffs: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const diff = differences(detector, randomText(next, parts, 12));
      if (diff) diffs.push(diff);
    }
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it("email: agrees with the regex at its length limits (64-character local parts, 63-character labels and top-level domains)", () => {
    const next = random(5);
    const pick = <T,>(xs: ArrayLike<T>): T => xs[Math.floor(next() * xs.length)]!;
    const LENGTHS = [0, 1, 2, 3, 61, 62, 63, 64, 65, 70];
    const run = (chars: string) => {
      let out = "";
      const n = pick(LENGTHS);
      for (let i = 0; i < n; i++) out += pick(chars);
      return out;
    };
    // Address-shaped texts whose parts sit around the limits, with noise between and around them.
    const NOISE = ["", "", " ", "-", ".", "_", "@", "x", "7", "'", ",", "..", "a-"];
    const address = () => {
      const labels = Array.from({ length: 1 + Math.floor(next() * 3) }, () => run("abz09----"));
      return run("aZ9_.%+'-") + pick(["@", "@", "@", "@@"]) + labels.join(pick([".", ".", "-", ".."])) + pick([".", "."]) + run("abcZ") + pick(NOISE);
    };
    const diffs: string[] = [];
    let found = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = pick(NOISE);
      const count = 1 + Math.floor(next() * 3);
      for (let i = 0; i < count; i++) text += address();
      if (CONTENT_DETECTORS.email.find(text).length > 0) found++;
      const diff = differences("email", text);
      if (diff) diffs.push(diff);
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    // The generator makes addresses the regex finds, or the test would prove nothing.
    expect(found).toBeGreaterThan(500);
  });

  it("email: each case the detector's own tests name", () => {
    for (const text of ["john@example.com", "Write to j.o'brien+tag@mail.example.co.uk.", '{"email":"a_b@globex.io","n":1}', "Key (email)=(x@y.org) already exists.", "a@b.io,c@d.io", "root@localhost", "@example.com", "john@", "john@example", "john@example.c", "version 1.2@3.4", "x@y@example.com", "-john@example.com", "john@example.com.123", "a@b.cc-dd.ee"]) {
      expect(differences("email", text)).toBeNull();
    }
  });
});
