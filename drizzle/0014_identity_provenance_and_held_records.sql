CREATE TABLE "held_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid,
	"reviewing_organisation_id" uuid NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"record_kind" text NOT NULL,
	"record" jsonb,
	"content_sha256" text NOT NULL,
	"ingest_batch_id" uuid,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decision_reason" text
);
--> statement-breakpoint
ALTER TABLE "arrests" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "biometric_references" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "charges" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "court_cases" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "custody_images" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "custody_records" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "disposals" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "markers" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "missing_person_reports" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "offences" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "person_addresses" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "person_associations" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "person_dates_of_birth" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "person_identifiers" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "person_names" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "unidentified_remains" ADD COLUMN "gathered_for" text[];--> statement-breakpoint
ALTER TABLE "held_records" ADD CONSTRAINT "held_records_reviewing_organisation_id_organisations_id_fk" FOREIGN KEY ("reviewing_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_records" ADD CONSTRAINT "held_records_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "held_records_source_idx" ON "held_records" USING btree ("source_system","source_record_id");--> statement-breakpoint
CREATE INDEX "held_records_person_idx" ON "held_records" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "held_records_reviewer_idx" ON "held_records" USING btree ("reviewing_organisation_id","status");