ALTER TABLE "deletion_applications" ALTER COLUMN "applicant_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ALTER COLUMN "applicant_date_of_birth" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ALTER COLUMN "contact" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ALTER COLUMN "event_reference" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ALTER COLUMN "grounds" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deletion_applications" ADD COLUMN "personal_details_erased_on" date;