CREATE TABLE "record_tombstones" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"record_kind" text NOT NULL,
	"record_id" uuid NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"basis" text NOT NULL,
	"authorised_by" text NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"audit_seq" integer
);
--> statement-breakpoint
CREATE TABLE "conviction_disregards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"tombstone_id" uuid,
	"disregarded_on" date NOT NULL,
	"direction" text NOT NULL,
	"recorded_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deletion_applications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"person_id" uuid,
	"arrest_id" uuid,
	"owning_organisation_id" uuid,
	"channel" text NOT NULL,
	"applicant_name" text NOT NULL,
	"applicant_date_of_birth" date NOT NULL,
	"contact" text NOT NULL,
	"event_reference" text NOT NULL,
	"grounds" text NOT NULL,
	"received_on" date NOT NULL,
	"target_date" date NOT NULL,
	"status" text NOT NULL,
	"decided_on" date,
	"decided_by" text,
	"decision_reasons" text,
	"policing_purpose" text,
	"exceptional_reason" text,
	"applicant_told_on" date,
	"appeal_status" text DEFAULT 'NONE' NOT NULL,
	"appeal_grounds" text,
	"appeal_lodged_on" date,
	"appeal_decided_on" date,
	"appeal_reasons" text,
	"recorded_by" text NOT NULL,
	CONSTRAINT "deletion_applications_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "deletion_notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"tombstone_id" uuid NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"record_kind" text NOT NULL,
	"record_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"due_by" date NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"chase_count" integer DEFAULT 0 NOT NULL,
	"last_chased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "retention_decisions" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"rule_id" text NOT NULL,
	"action" text NOT NULL,
	"due_on" date,
	"reason" text NOT NULL,
	"held" boolean DEFAULT false NOT NULL,
	"rule_set_version" text NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_instruments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"item_id" uuid,
	"kind" text NOT NULL,
	"applied_on" date,
	"made_on" date NOT NULL,
	"until" date,
	"ended_on" date,
	"made_by" text NOT NULL,
	"evidence" text NOT NULL,
	"policing_purpose" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"rule_id" text NOT NULL,
	"reviewed_on" date NOT NULL,
	"outcome" text NOT NULL,
	"reason" text NOT NULL,
	"reviewed_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "arrests" ADD COLUMN "arising_from_arrest_id" uuid;--> statement-breakpoint
ALTER TABLE "biometric_references" ADD COLUMN "taken_under" text DEFAULT 'ARREST' NOT NULL;--> statement-breakpoint
ALTER TABLE "biometric_references" ADD COLUMN "purpose_fulfilled_on" date;--> statement-breakpoint
ALTER TABLE "biometric_references" ADD COLUMN "profile_derived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "disposals" ADD COLUMN "jurisdiction" text DEFAULT 'ENGLAND_AND_WALES' NOT NULL;--> statement-breakpoint
CREATE INDEX "record_tombstones_person_idx" ON "record_tombstones" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "record_tombstones_source_idx" ON "record_tombstones" USING btree ("source_system","source_record_id");--> statement-breakpoint
CREATE INDEX "record_tombstones_deleted_idx" ON "record_tombstones" USING btree ("deleted_at");--> statement-breakpoint
CREATE INDEX "conviction_disregards_person_idx" ON "conviction_disregards" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "deletion_applications_person_idx" ON "deletion_applications" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "deletion_applications_status_idx" ON "deletion_applications" USING btree ("status");--> statement-breakpoint
CREATE INDEX "deletion_notices_pending_idx" ON "deletion_notices" USING btree ("owning_organisation_id","acknowledged_at");--> statement-breakpoint
CREATE INDEX "deletion_notices_person_idx" ON "deletion_notices" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "retention_decisions_person_idx" ON "retention_decisions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "retention_decisions_due_idx" ON "retention_decisions" USING btree ("action","due_on");--> statement-breakpoint
CREATE INDEX "retention_instruments_person_idx" ON "retention_instruments" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "retention_reviews_person_idx" ON "retention_reviews" USING btree ("person_id");