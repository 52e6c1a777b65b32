import { describe, expect, it } from "vitest";
import { findEmails } from "./email";

const found = (text: string) => findEmails(text).map((s) => text.slice(s.start, s.end));

describe("email detector", () => {
  it("finds addresses alone and inside text, JSON and quotes", () => {
    expect(found("john@example.com")).toEqual(["john@example.com"]);
    expect(found("Write to j.o'brien+tag@mail.example.co.uk.")).toEqual(["j.o'brien+tag@mail.example.co.uk"]);
    expect(found('{"email":"a_b@globex.io","n":1}')).toEqual(["a_b@globex.io"]);
    expect(found("where email = 'zoë@exämple.de'")).toEqual(["zoë@exämple.de"]);
    expect(found("Key (email)=(x@y.org) already exists.")).toEqual(["x@y.org"]);
    expect(found("a@b.io,c@d.io")).toEqual(["a@b.io", "c@d.io"]);
  });

  it("does not take other uses of @ for addresses", () => {
    expect(found("root@localhost")).toEqual([]);
    expect(found("@example.com")).toEqual([]);
    expect(found("john@")).toEqual([]);
    expect(found("john@example")).toEqual([]);
    expect(found("john@example.c")).toEqual([]);
    expect(found("version 1.2@3.4")).toEqual([]);
    expect(found("no at sign here")).toEqual([]);
  });
});
