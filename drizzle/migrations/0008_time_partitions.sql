-- Issue 12, retention: statements and audit_events become native range partitions by time, one
-- partition a UTC day (statements_p20261207, audit_events_p20261207) plus a DEFAULT partition as a
-- safety net; lib/retention/ creates the coming days' partitions and drops expired ones, and writes a
-- signed checkpoint (audit_checkpoints) so the kept part of the hash chain still verifies.
--
-- Hand-written (drizzle-kit cannot express partitioning); the snapshot follows the schema's keys.
-- The conversion renames each table, creates the partitioned one LIKE it (same columns, order,
-- defaults, NOT NULLs), re-creates its keys and indexes, creates one partition for every UTC day that
-- has rows and for today and the next 7 days, copies the rows across and drops the old table. Rows
-- keep their values exactly, so every hash still matches.
CREATE TABLE "audit_checkpoints" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_checkpoints_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dropped_before" timestamp with time zone NOT NULL,
	"first_kept_seq" bigint NOT NULL,
	"gaps" jsonb NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "statements" RENAME TO "statements_unpartitioned";--> statement-breakpoint
ALTER TABLE "statements_unpartitioned" RENAME CONSTRAINT "statements_pkey" TO "statements_unpartitioned_pkey";--> statement-breakpoint
DROP INDEX "statements_session_id_seq_idx";--> statement-breakpoint
DROP INDEX "statements_received_at_idx";--> statement-breakpoint
DROP INDEX "statements_fingerprint_idx";--> statement-breakpoint
CREATE TABLE "statements" (LIKE "statements_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("received_at");--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_pkey" PRIMARY KEY ("id","received_at");--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "statements_session_id_seq_idx" ON "statements" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "statements_received_at_idx" ON "statements" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "statements_fingerprint_idx" ON "statements" USING btree ("fingerprint");--> statement-breakpoint
CREATE TABLE "statements_default" PARTITION OF "statements" DEFAULT;--> statement-breakpoint
ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";--> statement-breakpoint
ALTER TABLE "audit_events_unpartitioned" RENAME CONSTRAINT "audit_events_pkey" TO "audit_events_unpartitioned_pkey";--> statement-breakpoint
DROP INDEX "audit_events_occurred_at_idx";--> statement-breakpoint
DROP INDEX "audit_events_actor_idx";--> statement-breakpoint
DROP INDEX "audit_events_action_idx";--> statement-breakpoint
CREATE TABLE "audit_events" (LIKE "audit_events_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq","occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor");--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action");--> statement-breakpoint
CREATE TABLE "audit_events_default" PARTITION OF "audit_events" DEFAULT;--> statement-breakpoint
DO $$
DECLARE
  day date;
BEGIN
  FOR day IN
    SELECT generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date
    UNION SELECT DISTINCT ("received_at" AT TIME ZONE 'UTC')::date FROM "statements_unpartitioned"
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "statements" FOR VALUES FROM (%L) TO (%L)',
      'statements_p' || to_char(day, 'YYYYMMDD'), day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
  FOR day IN
    SELECT generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date
    UNION SELECT DISTINCT ("occurred_at" AT TIME ZONE 'UTC')::date FROM "audit_events_unpartitioned"
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "audit_events" FOR VALUES FROM (%L) TO (%L)',
      'audit_events_p' || to_char(day, 'YYYYMMDD'), day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
END $$;--> statement-breakpoint
INSERT INTO "statements" SELECT * FROM "statements_unpartitioned";--> statement-breakpoint
INSERT INTO "audit_events" SELECT * FROM "audit_events_unpartitioned";--> statement-breakpoint
DROP TABLE "statements_unpartitioned";--> statement-breakpoint
DROP TABLE "audit_events_unpartitioned";
