CREATE TABLE "agreement_grants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"agreement_id" uuid NOT NULL,
	"dataset" text NOT NULL,
	"operations" text[] NOT NULL,
	"purposes" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_sharing_agreements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"organisation_id" uuid NOT NULL,
	"status" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"review_due" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_sharing_agreements_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
ALTER TABLE "agreement_grants" ADD CONSTRAINT "agreement_grants_agreement_id_data_sharing_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."data_sharing_agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_sharing_agreements" ADD CONSTRAINT "data_sharing_agreements_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_grants_agreement_idx" ON "agreement_grants" USING btree ("agreement_id");