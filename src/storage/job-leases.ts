import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'drizzle-orm';
import { type Database, queryRows } from './database.ts';

export interface JobLease {
  holder: string;
  /** Pushes the expiry on; a long job calls this as it goes, so a crashed holder's lease runs out instead. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** The lease of a job, or who holds it now. Expiry is the database's clock, the one all processes share. */
export async function takeJobLease(
  db: Database,
  job: string,
  seconds: number,
): Promise<{ lease: JobLease } | { heldBy: string; until: string }> {
  const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const taken = await queryRows<{ holder: string }>(
    db,
    sql`INSERT INTO job_leases (job, holder, expires_at)
        VALUES (${job}, ${holder}, now() + make_interval(secs => ${seconds}))
        ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
          WHERE job_leases.expires_at < now()
        RETURNING holder`,
  );
  if (taken.length === 0) {
    const [current] = await queryRows<{ holder: string; until: string }>(
      db,
      sql`SELECT holder, expires_at::text AS until FROM job_leases WHERE job = ${job}`,
    );
    return { heldBy: current?.holder ?? 'unknown', until: current?.until ?? '' };
  }
  return {
    lease: {
      holder,
      renew: async () => {
        const renewed = await queryRows(
          db,
          sql`UPDATE job_leases SET expires_at = now() + make_interval(secs => ${seconds})
              WHERE job = ${job} AND holder = ${holder} RETURNING job`,
        );
        if (renewed.length === 0) throw new Error(`the lease of ${job} was lost (it expired and was taken over)`);
      },
      release: async () => {
        await db.execute(sql`DELETE FROM job_leases WHERE job = ${job} AND holder = ${holder}`);
      },
    },
  };
}
