-- pg_trgm is a trusted extension (PostgreSQL 13+): the store's owner may create it. It indexes the SQL text for search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "last_tested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "last_test_ok" boolean;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "last_test_message" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_requested_by" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "end_request_reason" text;--> statement-breakpoint
CREATE INDEX "statements_sql_trgm_idx" ON "statements" USING gin ("sql" gin_trgm_ops);