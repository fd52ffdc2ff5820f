/** The integration module: inbound feeds from force and agency systems. */
export { parseInboundLine } from './inbound-line.ts';
export {
  type BatchReport,
  IngestService,
  type LineOutcome,
  type LineReport,
} from './ingest.service.ts';
