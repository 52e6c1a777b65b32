/**
 * Deterministic fake personal data for the demo target database.
 *
 * Everything here is pure: generators take an `Rng` (a seeded mulberry32 stream) and return
 * strings, so the same seed always yields the same people. No fixtures, no faker.
 *
 * The values are shaped like real sensitive data (so the gateway's masking and the console's
 * column classification have something realistic to find) but are fictional:
 * - US phone numbers use the 555-01xx range reserved for fiction, UK ones Ofcom's drama ranges;
 * - card numbers pass the Luhn check but are random;
 * - national ids have the US SSN shape AAA-GG-SSSS and avoid the never-issued ranges.
 */

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny, fast 32-bit seeded PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** `n` random decimal digits (leading zeros allowed). */
  digits(n: number): string;
}

export const DEFAULT_SEED = 20240611;

export function createRng(seed: number = DEFAULT_SEED): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick() from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p: number) => next() < p,
    digits: (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += String(int(0, 9));
      return s;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Names and emails
// ---------------------------------------------------------------------------------------------

export const FIRST_NAMES: readonly string[] = [
  "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
  "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
  "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Margaret", "Steven", "Sandra",
  "Andrew", "Ashley", "Joshua", "Emily", "Kevin", "Michelle", "Brian", "Amanda", "George", "Melissa",
  "Omar", "Aisha", "Wei", "Mei", "Raj", "Priya", "Hiroshi", "Yuki", "Carlos", "María",
  "José", "Lucía", "Mohammed", "Fatima", "Olumide", "Chiamaka", "Sven", "Ingrid", "Zoë", "Noah",
];

export const LAST_NAMES: readonly string[] = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
  "O'Brien", "Müller", "Kowalski", "Tanaka", "Patel", "Okafor", "Haddad", "Johansson", "Chen", "Smith-Jones",
];

const EMAIL_DOMAINS: readonly string[] = [
  "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
  "proton.me", "fastmail.com", "aol.com", "example.com", "example.org", "acme-corp.com", "globex.io",
  "initech.net", "umbrella.co.uk", "wayne-enterprises.com", "hooli.dev",
];

export interface FakeName {
  first: string;
  last: string;
  /** "First Last" */
  full: string;
}

export function fakeName(rng: Rng): FakeName {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return { first, last, full: `${first} ${last}` };
}

/** Lower-case ASCII letters only: "Zoë" -> "zoe", "O'Brien" -> "obrien". */
function emailPart(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

/** An email address derived from a name, in one of several common shapes and domains. */
export function fakeEmail(rng: Rng, first: string, last: string): string {
  const f = emailPart(first);
  const l = emailPart(last);
  const year = String(rng.int(60, 99) + (rng.chance(0.3) ? 1900 : 0)).slice(-2);
  const shapes = [
    () => `${f}.${l}`,
    () => `${f}${l}`,
    () => `${f[0]}${l}`,
    () => `${f}_${l}`,
    () => `${f}.${l}${rng.int(1, 99)}`,
    () => `${l}.${f}`,
    () => `${f}${year}`,
    () => `${f[0]}.${l}${rng.int(1, 999)}`,
  ];
  const local = rng.pick(shapes)();
  return `${local}@${rng.pick(EMAIL_DOMAINS)}`;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

const US_AREA_CODES: readonly string[] = [
  "212", "213", "305", "312", "415", "503", "512", "617", "646", "702", "713", "720", "206", "404", "608", "919",
];

/**
 * A phone number in one of several plausible formats:
 * "+14155550123", "(415) 555-0123", "415-555-0123", "+44 20 7946 0958", "+44 7700 900123".
 */
export function fakePhone(rng: Rng): string {
  const area = rng.pick(US_AREA_CODES);
  const line = `01${rng.digits(2)}`; // 555-0100..0199 is reserved for fiction
  const r = rng.next();
  if (r < 0.3) return `+1${area}555${line}`;
  if (r < 0.55) return `(${area}) 555-${line}`;
  if (r < 0.8) return `${area}-555-${line}`;
  if (r < 0.9) return `+44 20 7946 0${rng.digits(3)}`; // London drama range
  return `+44 7700 900${rng.digits(3)}`; // UK mobile drama range
}

// ---------------------------------------------------------------------------------------------
// Card numbers
// ---------------------------------------------------------------------------------------------

/** Keeps only the digits when `s` consists of digits, spaces and dashes; otherwise undefined. */
function cardDigits(s: string): string | undefined {
  if (!/^[\d -]+$/.test(s)) return undefined;
  return s.replace(/[ -]/g, "");
}

/**
 * The Luhn check digit to append to `payload` (digits only; spaces and dashes are ignored).
 * Throws on anything else.
 */
export function luhnCheckDigit(payload: string): number {
  const digits = cardDigits(payload);
  if (digits === undefined || digits.length === 0) throw new Error(`not a digit string: "${payload}"`);
  let sum = 0;
  // The check digit will sit to the right, so the payload's rightmost digit is doubled.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * True when `number` passes the Luhn check. Spaces and dashes between digits are allowed
 * ("4111 1111 1111 1111"); any other character, or fewer than 2 digits, makes it invalid.
 */
export function isLuhnValid(number: string): boolean {
  const digits = cardDigits(number);
  if (digits === undefined || digits.length < 2 || digits.length > 19) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

export type CardBrand = "visa" | "mastercard" | "amex";

export interface FakeCard {
  brand: CardBrand;
  /** Digits only. */
  digits: string;
  /** As stored: digits only, or grouped with spaces or dashes. */
  formatted: string;
}

function groupCard(digits: string, sep: string): string {
  const sizes = digits.length === 15 ? [4, 6, 5] : [4, 4, 4, 4];
  const parts: string[] = [];
  let at = 0;
  for (const n of sizes) {
    parts.push(digits.slice(at, at + n));
    at += n;
  }
  return parts.join(sep);
}

/**
 * A Luhn-valid card number: Visa (16 digits, starts with 4), Mastercard (16, 51-55) or
 * Amex (15, 34/37); most stored as plain digits, some grouped with spaces or dashes.
 */
export function fakeCard(rng: Rng, brand?: CardBrand): FakeCard {
  const b: CardBrand = brand ?? (rng.chance(0.5) ? "visa" : rng.chance(0.7) ? "mastercard" : "amex");
  let payload: string;
  if (b === "visa") payload = `4${rng.digits(14)}`;
  else if (b === "mastercard") payload = `5${rng.int(1, 5)}${rng.digits(13)}`;
  else payload = `3${rng.pick(["4", "7"])}${rng.digits(12)}`;
  const digits = payload + String(luhnCheckDigit(payload));
  const r = rng.next();
  const formatted = r < 0.6 ? digits : groupCard(digits, r < 0.85 ? " " : "-");
  return { brand: b, digits, formatted };
}

export function fakeCardNumber(rng: Rng, brand?: CardBrand): string {
  return fakeCard(rng, brand).formatted;
}

// ---------------------------------------------------------------------------------------------
// National ids (US SSN format)
// ---------------------------------------------------------------------------------------------

/**
 * An SSN-format id "AAA-GG-SSSS": area 001-899 except 666, group 01-99, serial 0001-9999.
 */
export function fakeNationalId(rng: Rng): string {
  let area = rng.int(1, 898);
  if (area >= 666) area += 1; // skip 666 without biasing: 1..898 -> 1..665, 667..899
  const group = rng.int(1, 99);
  const serial = rng.int(1, 9999);
  return `${String(area).padStart(3, "0")}-${String(group).padStart(2, "0")}-${String(serial).padStart(4, "0")}`;
}

/** True for "AAA-GG-SSSS" outside the never-issued ranges (area 000, 666, 900-999; group 00; serial 0000). */
export function isPlausibleSsn(s: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(s);
  if (!m) return false;
  const [area, group, serial] = [m[1]!, m[2]!, m[3]!];
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

const STREET_NAMES: readonly string[] = [
  "Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Main", "Park",
  "Sunset", "Lincoln", "Jefferson", "Highland", "Church", "Mill", "River", "Willow", "Chestnut", "Spring",
  "Forest", "Meadow", "Franklin", "Jackson", "Ridge", "Walnut", "Hickory", "Madison", "Valley", "Cherry",
];

const STREET_SUFFIXES: readonly string[] = [
  "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place", "Terrace",
];

/** [city, state, zip] */
const CITIES: readonly (readonly [string, string, string])[] = [
  ["Springfield", "IL", "62704"], ["Portland", "OR", "97205"], ["Austin", "TX", "78701"],
  ["Denver", "CO", "80202"], ["Madison", "WI", "53703"], ["Columbus", "OH", "43215"],
  ["Raleigh", "NC", "27601"], ["Boise", "ID", "83702"], ["Burlington", "VT", "05401"],
  ["Savannah", "GA", "31401"], ["Tucson", "AZ", "85701"], ["Albany", "NY", "12207"],
  ["Richmond", "VA", "23219"], ["Omaha", "NE", "68102"], ["Salem", "MA", "01970"],
  ["Fresno", "CA", "93721"], ["Reno", "NV", "89501"], ["Tulsa", "OK", "74103"],
  ["Spokane", "WA", "99201"], ["Lexington", "KY", "40507"], ["Des Moines", "IA", "50309"],
  ["Provo", "UT", "84601"], ["Mobile", "AL", "36602"], ["Trenton", "NJ", "08608"],
  ["Fargo", "ND", "58102"], ["Billings", "MT", "59101"], ["Charleston", "SC", "29401"],
  ["Little Rock", "AR", "72201"], ["Santa Fe", "NM", "87501"], ["Anchorage", "AK", "99501"],
];

/** A US street address: "1234 Oak Street, Springfield, IL 62704". */
export function fakeAddress(rng: Rng): string {
  const number = rng.int(1, 9999);
  const street = `${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`;
  const [city, state, zip] = rng.pick(CITIES);
  return `${number} ${street}, ${city}, ${state} ${zip}`;
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;
export const THREE_YEARS_MS = 3 * 365 * DAY_MS;

/** A moment in the `spanMs` (default 3 years) before `now`, to the second. */
export function fakeCreatedAt(rng: Rng, now: Date, spanMs: number = THREE_YEARS_MS): Date {
  const offset = Math.floor(rng.next() * spanMs);
  return new Date(Math.floor((now.getTime() - offset) / 1000) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Whole customers
// ---------------------------------------------------------------------------------------------

export interface FakeCustomer {
  name: string;
  email: string;
  phone: string | null;
  cardNumber: string | null;
  nationalId: string | null;
  address: string | null;
  createdAt: Date;
}

export interface GenerateCustomersOptions {
  seed?: number;
  /** The end of the 3-year created_at window. Pass a fixed date for fully reproducible output. */
  now?: Date;
}

/**
 * `count` customers with unique emails, sorted by created_at (oldest first), from one seed.
 * A few optional fields are null, as in real data.
 */
export function generateCustomers(count: number, opts: GenerateCustomersOptions = {}): FakeCustomer[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`customer count must be a non-negative integer (got ${count})`);
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const now = opts.now ?? new Date();
  const seen = new Set<string>();
  const out: FakeCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const name = fakeName(rng);
    let email = fakeEmail(rng, name.first, name.last);
    if (seen.has(email)) {
      const at = email.indexOf("@");
      const [local, domain] = [email.slice(0, at), email.slice(at)];
      for (let n = 2; seen.has(email); n++) email = `${local}${n}${domain}`;
    }
    seen.add(email);
    out.push({
      name: name.full,
      email,
      phone: rng.chance(0.92) ? fakePhone(rng) : null,
      cardNumber: rng.chance(0.85) ? fakeCardNumber(rng) : null,
      nationalId: rng.chance(0.9) ? fakeNationalId(rng) : null,
      address: rng.chance(0.95) ? fakeAddress(rng) : null,
      createdAt: fakeCreatedAt(rng, now),
    });
  }
  // Stable sort, so ids assigned in insertion order follow signup time.
  return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
