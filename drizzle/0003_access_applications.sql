CREATE TABLE "access_application_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"dataset" text NOT NULL,
	"operations" text[] NOT NULL,
	"purposes" text[] NOT NULL,
	"legal_basis" text NOT NULL,
	"business_case" text NOT NULL,
	"decision" text,
	"decision_reason" text
);
--> statement-breakpoint
CREATE TABLE "access_applications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"requested_valid_to" date NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"appeal_grounds" text,
	"appealed_at" timestamp with time zone,
	"appeal_decided_by" text,
	"appeal_decided_at" timestamp with time zone,
	"appeal_reason" text,
	"agreement_reference" text,
	CONSTRAINT "access_applications_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
ALTER TABLE "access_application_items" ADD CONSTRAINT "access_application_items_application_id_access_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."access_applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_applications" ADD CONSTRAINT "access_applications_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_application_items_application_idx" ON "access_application_items" USING btree ("application_id");