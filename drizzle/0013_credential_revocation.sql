-- A rotated API key keeps working until expires_at, the overlap its administrator chose (issue 11, item 15).
-- No grant: leds_app's rights on api_keys (0007) cover a new column.
ALTER TABLE "api_keys" ADD COLUMN "expires_at" timestamp with time zone;
