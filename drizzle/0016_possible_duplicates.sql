CREATE TABLE "possible_duplicates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"other_person_id" uuid NOT NULL,
	"reviewing_organisation_id" uuid NOT NULL,
	"pushed_by_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"identifier_type" text NOT NULL,
	"value" text NOT NULL,
	"found_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewed_by" text,
	"note" text
);
--> statement-breakpoint
DROP INDEX "person_identifiers_person_idx";--> statement-breakpoint
DROP INDEX "person_identifiers_value_idx";--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_reviewing_organisation_id_organisations_id_fk" FOREIGN KEY ("reviewing_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "possible_duplicates" ADD CONSTRAINT "possible_duplicates_pushed_by_organisation_id_organisations_id_fk" FOREIGN KEY ("pushed_by_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "possible_duplicates_pair_idx" ON "possible_duplicates" USING btree ("person_id","other_person_id","identifier_type","value");--> statement-breakpoint
CREATE INDEX "possible_duplicates_other_idx" ON "possible_duplicates" USING btree ("other_person_id");--> statement-breakpoint
CREATE INDEX "possible_duplicates_reviewer_idx" ON "possible_duplicates" USING btree ("reviewing_organisation_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "person_identifiers_person_value_idx" ON "person_identifiers" USING btree ("person_id","identifier_type","value");--> statement-breakpoint
CREATE INDEX "person_identifiers_value_idx" ON "person_identifiers" USING btree ("identifier_type","value");