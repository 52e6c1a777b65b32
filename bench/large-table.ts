import pg from "pg";
import type { Endpoint } from "./endpoints";

/** The table the large-result read selects from, and the three columns the masked scenario masks. */
export const LARGE_TABLE = "bench_large";
export const LARGE_QUERY = `select id, email, phone, card_number, created_at from ${LARGE_TABLE}`;
export const MASKED_COLUMNS = ["email", "phone", "card_number"] as const;
/** What row 1 holds in MASKED_COLUMNS, as createLargeTable writes it (to tell masked from not). */
export const ROW_ONE_UNMASKED = ["person1@example.com", "+1 555 0000001", "4111 1111 1111 1111"] as const;

/**
 * "4" and the row number in 14 digits, then the Luhn check digit (digits at even distance from the
 * right of these 15 are doubled), in groups of four: 4000 0000 0000 0017, 4000 0000 0000 0025, …
 */
const DISTINCT_CARD_SQL = `(select regexp_replace(b || ((10 - sum(case when (15 - i) % 2 = 0 then (2 * d) % 10 + (2 * d) / 10 else d end) % 10) % 10)::text,
            '(\\d{4})(?=\\d)', '\\1 ', 'g')
   from (select '4' || lpad(g::text, 14, '0') as b) base, lateral (select i, substr(b, i, 1)::int as d from generate_series(1, 15) i) ds group by b)`;

/**
 * A table of `rows` people-like rows (≈100 bytes each on the wire), created directly: an email, a
 * phone number and a card number that pass content detectors, so masking has real work to do.
 */
export async function createLargeTable(target: Endpoint, rows: number, opts: { isEveryCardDistinct?: boolean } = {}): Promise<void> {
  const c = new pg.Client(target);
  await c.connect();
  try {
    await c.query(`drop table if exists ${LARGE_TABLE}`);
    await c.query(`create table ${LARGE_TABLE} (id int primary key, email text not null, phone text not null, card_number text not null, created_at timestamptz not null)`);
    // One card number for every row, or (isEveryCardDistinct) a different Luhn-valid one per row,
    // of the same shape and length, so that no memo of repeated values can make masking look cheap.
    const card = opts.isEveryCardDistinct ? DISTINCT_CARD_SQL : "'4111 1111 1111 1111'";
    await c.query(
      `insert into ${LARGE_TABLE}
       select g, 'person' || g || '@example.com', '+1 555 ' || lpad((g % 10000000)::text, 7, '0'),
              ${card}, now() - g * interval '1 second'
       from generate_series(1, $1::int) g`,
      [rows],
    );
    await c.query(`vacuum analyze ${LARGE_TABLE}`);
  } finally {
    await c.end();
  }
}
