import { createHmac } from "node:crypto";
import { createMaskingContext, type HmacSha256, type MaskingContext } from "./masking-context";

/**
 * The Node implementation of the masking keyed hash. The only file under `lib/policy/masking/`
 * that touches `node:`; the gateway imports it and injects the result, the browser never does.
 */

export const hmacSha256Hex: HmacSha256 = (key, data) => createHmac("sha256", key).update(data, "utf8").digest("hex");

export function createNodeMaskingContext(key: Uint8Array): MaskingContext {
  return createMaskingContext(hmacSha256Hex, key);
}
