import type { Detector } from "../../policy-document";
import { cardNumberDetector } from "./card-number";
import { cloudKeyDetector } from "./cloud-key";
import type { ContentDetector } from "./detected-span";
import { emailDetector } from "./email";
import { ibanDetector } from "./iban";
import { jwtDetector } from "./jwt";
import { phoneDetector } from "./phone";
import { privateKeyDetector } from "./private-key";
import { usSsnDetector } from "./us-ssn";

export type { ContentDetector, DetectedSpan } from "./detected-span";

/** Every detector a policy can enable, by the name the policy document uses. */
export const CONTENT_DETECTORS: Readonly<Record<Detector, ContentDetector>> = {
  card_number: cardNumberDetector,
  email: emailDetector,
  phone: phoneDetector,
  iban: ibanDetector,
  us_ssn: usSsnDetector,
  jwt: jwtDetector,
  cloud_key: cloudKeyDetector,
  private_key: privateKeyDetector,
};
