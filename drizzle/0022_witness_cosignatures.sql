CREATE TABLE "audit_cosignatures" (
	"tree_size" bigint NOT NULL,
	"witness_key" text NOT NULL,
	"line" text NOT NULL,
	"cosigned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "audit_cosignatures_tree_size_witness_key_pk" PRIMARY KEY("tree_size","witness_key")
);
--> statement-breakpoint
-- Append-only like the checkpoints they cosign (see 0007).
CREATE TRIGGER audit_cosignatures_append_only BEFORE UPDATE OR DELETE ON audit_cosignatures
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_cosignatures_no_truncate BEFORE TRUNCATE ON audit_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'leds_app') THEN
    GRANT SELECT, INSERT ON audit_cosignatures TO leds_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_cosignatures FROM leds_app;
  END IF;
END
$$;
