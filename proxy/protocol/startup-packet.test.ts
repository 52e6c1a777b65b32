import { describe, expect, it } from "vitest";
import { ClientError } from "./client-error";
import { cancelRequest, startupMessage } from "./frontend-serializers";
import { ProtocolVersion, StartupRequestCode } from "./message-codes";
import { decodeStartupPacket, UnansweredStartup, unsupportedProtocolAnswer } from "./startup-packet";

/** A packet of the given body, with its length word. */
const packet = (...parts: (number | string | Buffer)[]) => {
  const body = Buffer.concat(
    parts.map((p) => {
      if (Buffer.isBuffer(p)) return p;
      if (typeof p === "string") return Buffer.from(p, "latin1");
      const b = Buffer.alloc(4);
      b.writeInt32BE(p);
      return b;
    }),
  );
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
};

describe("the first packet, read as PostgreSQL reads it", () => {
  it("reads a StartupMessage's parameters and protocol options", () => {
    const p = decodeStartupPacket(startupMessage(ProtocolVersion.V3_2, { user: "dev@example.com", database: "orders", "_pq_.x": "1", application_name: "" }));
    expect(p).toEqual({
      kind: "startup",
      version: ProtocolVersion.V3_2,
      parameters: new Map([["user", "dev@example.com"], ["database", "orders"], ["application_name", ""]]),
      protocolOptions: ["_pq_.x"],
    });
  });

  it("refuses a StartupMessage without its terminator at the last byte with PostgreSQL's FATAL 08P01", () => {
    for (const bad of [packet(ProtocolVersion.V3_0), packet(ProtocolVersion.V3_0, "user\0x\0"), packet(ProtocolVersion.V3_0, "user\0"), packet(ProtocolVersion.V3_0, "user\0x\0\0\0")]) {
      let thrown: unknown;
      try {
        decodeStartupPacket(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ClientError);
      expect(thrown).toMatchObject({ sqlState: "08P01", severity: "FATAL", message: "invalid startup packet layout: expected terminator as last byte" });
    }
  });

  it("takes SSLRequest and GSSENCRequest by their code alone, as PostgreSQL does", () => {
    expect(decodeStartupPacket(packet(StartupRequestCode.SSLRequest))).toEqual({ kind: "ssl" });
    expect(decodeStartupPacket(packet(StartupRequestCode.SSLRequest, 7))).toEqual({ kind: "ssl" });
    expect(decodeStartupPacket(packet(StartupRequestCode.GSSENCRequest))).toEqual({ kind: "gssenc" });
  });

  it("reads CancelRequests with 4- to 256-byte keys and drops others without an answer", () => {
    expect(decodeStartupPacket(cancelRequest(42, Buffer.alloc(4, 1)))).toEqual({ kind: "cancel", processId: 42, secretKey: Buffer.alloc(4, 1) });
    expect(decodeStartupPacket(cancelRequest(42, Buffer.alloc(32, 2)))).toMatchObject({ kind: "cancel", secretKey: Buffer.alloc(32, 2) });
    expect(() => decodeStartupPacket(cancelRequest(42, Buffer.alloc(3)))).toThrow(UnansweredStartup);
    expect(() => decodeStartupPacket(cancelRequest(42, Buffer.alloc(257)))).toThrow(UnansweredStartup);
  });

  it("answers other protocol versions as PostgreSQL does: 0A000 for newer ones, the old text format for older ones", () => {
    expect(decodeStartupPacket(packet((4 << 16) | 1, "\0"))).toEqual({ kind: "unsupported", version: (4 << 16) | 1 });
    expect(unsupportedProtocolAnswer((4 << 16) | 1)).toMatchObject({ sqlState: "0A000", severity: "FATAL", message: "unsupported frontend protocol 4.1: server supports 3.0 to 3.2" });
    const old = unsupportedProtocolAnswer(2 << 16);
    expect(old).not.toBeInstanceOf(ClientError);
    expect((old as { legacyError: Buffer }).legacyError.toString("latin1")).toBe("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.2\n\0");
  });
});
