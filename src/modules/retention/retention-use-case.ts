import type { RetentionConfig } from '../../config/config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../storage/database.ts';
import type { ScrubReport } from '../../storage/scrub-deleted-rows.ts';
import type { AccessDecisions } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { RecordIntake } from '../records/index.ts';
import { RetentionOfficerAccess } from './retention-officer-access.ts';
import type { RetentionRuleSet } from './retention-rules.ts';

/** What every retention use case is built from (wired once, in composition.ts, through `RetentionService`). */
export interface RetentionWiring {
  db: Database;
  trail: AuditTrail;
  access: AccessDecisions;
  intake: RecordIntake;
  clock: Clock;
  settings: RetentionConfig;
  rules: RetentionRuleSet;
  /** Scrubs deleted rows from these tables' files, as configured (LEDS_RETENTION_SCRUB). */
  scrub: (tables: string[]) => Promise<ScrubReport>;
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A retention use case: its wiring, who decides (`officer`) and today's date by the injected clock. */
export abstract class RetentionUseCase {
  protected readonly db: Database;
  protected readonly trail: AuditTrail;
  protected readonly access: AccessDecisions;
  protected readonly intake: RecordIntake;
  protected readonly clock: Clock;
  protected readonly settings: RetentionConfig;
  protected readonly rules: RetentionRuleSet;
  protected readonly officer: RetentionOfficerAccess;
  protected readonly scrub: RetentionWiring['scrub'];

  constructor(wiring: RetentionWiring) {
    this.db = wiring.db;
    this.trail = wiring.trail;
    this.access = wiring.access;
    this.intake = wiring.intake;
    this.clock = wiring.clock;
    this.settings = wiring.settings;
    this.rules = wiring.rules;
    this.scrub = wiring.scrub;
    this.officer = new RetentionOfficerAccess(wiring.db, wiring.trail, wiring.access);
  }

  today(): string {
    return isoDay(this.clock.now());
  }
}
