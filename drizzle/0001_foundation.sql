CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"roles" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_prefix_unique" UNIQUE("key_prefix")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text,
	"oidc_subject" text,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_oidc_subject_unique" UNIQUE("oidc_subject")
);
--> statement-breakpoint
CREATE TABLE "web_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text,
	"case_reference" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "arrests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"asn" text NOT NULL,
	"event_type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"location" text,
	"officer_in_case" text,
	"fingerprint_status" text NOT NULL,
	"offence_summary" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "biometric_references" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid,
	"biometric_type" text NOT NULL,
	"holding_system" text NOT NULL,
	"reference" text NOT NULL,
	"status" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"identity_confirmed" boolean DEFAULT false NOT NULL,
	"confirmed_at" timestamp with time zone,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "charges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"charged_on" date NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "court_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"court_name" text NOT NULL,
	"first_hearing_on" date NOT NULL,
	"plea" text,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custody_images" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"custody_record_id" uuid NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"subject_age_at_capture" integer,
	"media_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"content_sha256" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custody_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"custody_reference" text NOT NULL,
	"station" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disposals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"offence_id" uuid,
	"court_case_id" uuid,
	"outcome" text NOT NULL,
	"disposed_on" date NOT NULL,
	"recordable" boolean NOT NULL,
	"sentence" text,
	"custodial_months" integer,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "markers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"marker_type" text NOT NULL,
	"code" text NOT NULL,
	"description" text NOT NULL,
	"review_due" date NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "missing_person_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone,
	"last_seen_location" text,
	"risk_level" text NOT NULL,
	"circumstances" text NOT NULL,
	"status" text NOT NULL,
	"found_at" timestamp with time zone,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"arrest_id" uuid NOT NULL,
	"charge_id" uuid,
	"offence_code" text NOT NULL,
	"title" text NOT NULL,
	"committed_on" date,
	"recordable" boolean NOT NULL,
	"qualifying" boolean NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"sex" text NOT NULL,
	"nationality" text,
	"place_of_birth" text,
	"height_cm" integer,
	"build" text,
	"eye_colour" text,
	"hair_colour" text,
	"distinguishing_marks" text,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_addresses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"address_type" text NOT NULL,
	"lines" text[] NOT NULL,
	"town" text,
	"postcode" text,
	"valid_from" date,
	"valid_to" date,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_dates_of_birth" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"date_of_birth" date NOT NULL,
	"estimated" boolean DEFAULT false NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_identifiers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"identifier_type" text NOT NULL,
	"value" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_names" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"name_type" text NOT NULL,
	"forenames" text NOT NULL,
	"surname" text NOT NULL,
	"surname_key" text NOT NULL,
	"forename_key" text NOT NULL,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_records" (
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"record_kind" text NOT NULL,
	"record_id" uuid NOT NULL,
	"person_id" uuid,
	"owning_organisation_id" uuid NOT NULL,
	"content_sha256" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_records_source_system_source_record_id_pk" PRIMARY KEY("source_system","source_record_id")
);
--> statement-breakpoint
CREATE TABLE "unidentified_remains" (
	"id" uuid PRIMARY KEY NOT NULL,
	"found_on" date NOT NULL,
	"found_location" text NOT NULL,
	"sex" text NOT NULL,
	"estimated_age_min" integer,
	"estimated_age_max" integer,
	"description" text NOT NULL,
	"identified_person_id" uuid,
	"owning_organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"source_record_id" text NOT NULL,
	"ingest_batch_id" uuid,
	"material_class" text NOT NULL,
	"legal_regime" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_batch_lines" (
	"batch_id" uuid NOT NULL,
	"line_number" integer NOT NULL,
	"outcome" text NOT NULL,
	"record_kind" text,
	"source_record_id" text,
	"record_id" uuid,
	"person_id" uuid,
	"problems" jsonb,
	CONSTRAINT "ingest_batch_lines_batch_id_line_number_pk" PRIMARY KEY("batch_id","line_number")
);
--> statement-breakpoint
CREATE TABLE "ingest_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"source_system" text NOT NULL,
	"submitted_by" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"line_count" integer DEFAULT 0 NOT NULL,
	"created_count" integer DEFAULT 0 NOT NULL,
	"updated_count" integer DEFAULT 0 NOT NULL,
	"unchanged_count" integer DEFAULT 0 NOT NULL,
	"rejected_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arrests" ADD CONSTRAINT "arrests_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "biometric_references" ADD CONSTRAINT "biometric_references_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charges" ADD CONSTRAINT "charges_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "court_cases" ADD CONSTRAINT "court_cases_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custody_images" ADD CONSTRAINT "custody_images_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custody_records" ADD CONSTRAINT "custody_records_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disposals" ADD CONSTRAINT "disposals_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markers" ADD CONSTRAINT "markers_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missing_person_reports" ADD CONSTRAINT "missing_person_reports_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offences" ADD CONSTRAINT "offences_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_addresses" ADD CONSTRAINT "person_addresses_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_dates_of_birth" ADD CONSTRAINT "person_dates_of_birth_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_identifiers" ADD CONSTRAINT "person_identifiers_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_names" ADD CONSTRAINT "person_names_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unidentified_remains" ADD CONSTRAINT "unidentified_remains_owning_organisation_id_organisations_id_fk" FOREIGN KEY ("owning_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_batches" ADD CONSTRAINT "ingest_batches_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "web_sessions_user_idx" ON "web_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "arrests_person_idx" ON "arrests" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "arrests_asn_idx" ON "arrests" USING btree ("asn");--> statement-breakpoint
CREATE INDEX "biometric_references_person_idx" ON "biometric_references" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "charges_person_idx" ON "charges" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "court_cases_person_idx" ON "court_cases" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "custody_images_person_idx" ON "custody_images" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "custody_images_hash_idx" ON "custody_images" USING btree ("content_sha256");--> statement-breakpoint
CREATE INDEX "custody_records_person_idx" ON "custody_records" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "disposals_person_idx" ON "disposals" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "markers_person_idx" ON "markers" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "missing_person_reports_person_idx" ON "missing_person_reports" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "offences_person_idx" ON "offences" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_addresses_person_idx" ON "person_addresses" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_dob_person_idx" ON "person_dates_of_birth" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_dob_date_idx" ON "person_dates_of_birth" USING btree ("date_of_birth");--> statement-breakpoint
CREATE UNIQUE INDEX "person_identifiers_value_idx" ON "person_identifiers" USING btree ("identifier_type","value");--> statement-breakpoint
CREATE INDEX "person_identifiers_person_idx" ON "person_identifiers" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_names_person_idx" ON "person_names" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_names_key_idx" ON "person_names" USING btree ("surname_key","forename_key");