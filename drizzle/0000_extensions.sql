-- drizzle-kit writes no CREATE EXTENSION, so extensions come first, by hand.
-- pg_trgm: trigram indexes for name search (loaded as a PGlite contrib extension on the embedded database).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
