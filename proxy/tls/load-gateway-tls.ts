import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { createSelfSignedCertificate } from "./self-signed-certificate";

export type GatewayTls = { context: tls.SecureContext; certPath: string; isSelfSigned: boolean };

/**
 * The certificate the gateway offers on SSLRequest: GATEWAY_TLS_CERT / GATEWAY_TLS_KEY when set;
 * otherwise, when `selfSignedDir` is given (the embedded default), a self-signed one generated there
 * once and reused; otherwise none, and SSLRequest is answered 'N'.
 */
export function loadGatewayTls(opts: { certFile?: string; keyFile?: string; selfSignedDir?: string }): GatewayTls | null {
  if (opts.certFile && opts.keyFile) {
    const context = tls.createSecureContext({ cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) });
    return { context, certPath: opts.certFile, isSelfSigned: false };
  }
  if (!opts.selfSignedDir) return null;
  const certPath = path.join(opts.selfSignedDir, "gateway-tls.crt");
  const keyPath = path.join(opts.selfSignedDir, "gateway-tls.key");
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    fs.mkdirSync(opts.selfSignedDir, { recursive: true });
    const { certPem, keyPem } = createSelfSignedCertificate();
    fs.writeFileSync(keyPath, keyPem, { mode: 0o600 });
    fs.writeFileSync(certPath, certPem);
  }
  const context = tls.createSecureContext({ cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) });
  return { context, certPath, isSelfSigned: true };
}
