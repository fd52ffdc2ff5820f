export { noticesOfTombstones } from './deletion-notices.repository.ts';
export { type PlanReport, RetentionService, type SweepReport } from './retention.service.ts';
export * from './retention.types.ts';
export { addDays, addMonths, addYears, assessRetention, isDue } from './retention-engine.ts';
export { emptyPersonFacts, loadPersonFacts } from './retention-facts.ts';
export { type RetentionRule, RetentionRuleSet } from './retention-rules.ts';
