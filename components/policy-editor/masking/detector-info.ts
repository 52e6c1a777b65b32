import type { Detector } from "@/lib/policy/policy-document";

/** What each content detector is called in the editor and what it catches (see lib/policy/masking/README.md). */
export const DETECTOR_INFO: Readonly<Record<Detector, { label: string; description: string }>> = {
  card_number: { label: "Card numbers", description: "13–19 digits that pass the Luhn check, solid or grouped by spaces or dashes." },
  email: { label: "Email addresses", description: "local@domain.tld anywhere in a text, Unicode letters included." },
  phone: { label: "Phone numbers", description: "E.164 (+14155550123), a + and country code with grouped digits, North American formats." },
  iban: { label: "IBANs", description: "Bank account numbers of registry countries at their exact length, valid mod 97." },
  us_ssn: { label: "US Social Security numbers", description: "AAA-GG-SSSS outside the ranges never issued." },
  jwt: { label: "JSON Web Tokens", description: "Compact JWS/JWE tokens whose header decodes to JSON with an alg." },
  cloud_key: { label: "Cloud and API keys", description: "AWS access keys, Google API keys, GitHub and Slack tokens, service-account private keys." },
  private_key: { label: "Private keys", description: "PEM and PGP private key blocks, also with JSON-escaped newlines." },
};
