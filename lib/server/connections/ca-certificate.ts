import "server-only";
import { X509Certificate } from "node:crypto";
import { needsCaCertificate } from "@/lib/shared/upstream-credential";
import type { SslMode } from "@/lib/shared/contracts/connections";
import { ServiceError } from "./service-error";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Checks a CA certificate given in the connection form: one or more PEM certificates that parse,
 * each a CA (basicConstraints cA) or self-signed (a server's own certificate pinned as its CA),
 * none expired. Returns the normalized PEM to store; a bad one is a field error next to the input.
 */
export function parseCaCertificate(pem: string, now = new Date()): string {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw caError("Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE----- …).");
  for (const block of blocks) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      throw caError("This is not a readable PEM certificate.");
    }
    if (!cert.ca && !cert.checkIssued(cert)) throw caError(`"${cert.subject.replaceAll("\n", ", ")}" is neither a CA certificate nor self-signed.`);
    if (new Date(cert.validTo) < now) throw caError(`The CA certificate "${cert.subject.replaceAll("\n", ", ")}" expired on ${cert.validTo}.`);
  }
  return `${blocks.join("\n")}\n`;
}

/** verify-ca and verify-full need a CA: there is no fallback to the system's list. */
export function requireCaFor(sslmode: SslMode, hasCa: boolean): void {
  if (needsCaCertificate(sslmode) && !hasCa) {
    throw caError(`sslmode "${sslmode}" checks the server's certificate against the CA stored here: add the CA certificate (PEM), or choose "require".`);
  }
}

function caError(message: string): ServiceError {
  return new ServiceError(message, 422, { caCertificate: message });
}
