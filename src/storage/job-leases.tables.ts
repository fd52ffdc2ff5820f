import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who is running a job now, across every LEDS process on one database. A lease row, not a session advisory lock:
 * a pooled connection is not a session, and PGlite has one connection that an open transaction would block.
 */
export const jobLeases = pgTable('job_leases', {
  job: text('job').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
