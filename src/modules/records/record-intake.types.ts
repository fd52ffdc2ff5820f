// The shapes the intake's use cases share: where a record came from, how its references are followed, and what
// writing it gave.
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import type { CustodyImageStore } from './custody-image-store.ts';
import type * as t from './records.tables.ts';

/** A person LEDS holds that a pushed record names, with the flags that decide whether the pusher may link to them. */
export interface LinkTarget {
  personId: string;
  protectedIdentity: boolean;
  /** The nominal's own record is intelligence-class. */
  intelligenceOnly: boolean;
  owningOrganisationId: string;
}

/** Where an inbound record came from: the controller, its system and the batch. */
export interface IntakeSource {
  organisationId: string;
  sourceSystem: string;
  ingestBatchId: string | null;
  /**
   * SECURITY: whether the pusher may link a record to this person (the access module's `person.link`, and whether
   * its organisation could see them). A person it may not link to is treated exactly like no person: the record is
   * held, and the pusher told nothing more. `db` is the intake's transaction, which any look-up must use.
   */
  mayLink(target: LinkTarget, db: Database): Promise<boolean>;
  /** Set when a reviewer links a held record: it is then closed as LINKED (its trace kept), not forgotten. */
  review?: { by: string; reason: string | null };
}

export interface IntakeOutcome {
  /** What the pusher is told. A held record is told what an accepted one would be (docs/access.md). */
  outcome: 'CREATED' | 'UPDATED' | 'UNCHANGED';
  recordKind: string;
  /** The LEDS row the record became, or the held record that keeps it. */
  recordId: string;
  /** The person the record is now part of; null while it is held. Never told to the pusher. */
  personId: string | null;
  /** Why the record is held, for the audit entry; null when it was applied. */
  held: { reason: string; personId: string | null } | null;
  /** Custody image hashes this record wrote or replaced; unreferenced ones are removed after the transaction. */
  touchedImages: string[];
}

export type Provenance = {
  owningOrganisationId: string;
  sourceSystem: string;
  sourceRecordId: string;
  ingestBatchId: string | null;
  materialClass: string;
  legalRegime: string;
  gatheredFor: string[] | null;
  updatedAt: Date;
};

/** How references are followed for this pusher: which people it may link to, and who it is. */
export type Links = { mayLink: IntakeSource['mayLink']; pusher: string };

export type Written = { recordId: string; personId: string | null; touchedImages?: string[] };
export type SourceKey = typeof t.sourceRecords.$inferSelect;

/** What the intake's use cases are given: the image store, the clock, and the limits from configuration. */
export interface IntakeDeps {
  images: CustodyImageStore;
  clock: Clock;
  limits: { custodyImageMaxBytes: number };
}
