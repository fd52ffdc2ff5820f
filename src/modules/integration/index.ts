/** The integration module: inbound feeds from force and agency systems. */
export {
  type BatchReport,
  IngestService,
  type LineOutcome,
  type LineReport,
  parseInboundLine,
} from './ingest.service.ts';
