import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';

/** The roles a person or system can hold; what each allows is decided in the access module. */
export const roles = [
  'OFFICER',
  'INVESTIGATOR',
  'AUDITOR',
  'RETENTION_OFFICER',
  'OVERSIGHT_MEMBER',
  'ADMINISTRATOR',
  'ACCESS_PANEL',
  /** May see people whose identity is protected (for example protected witnesses). */
  'PROTECTED_IDENTITY',
  'SYSTEM_INGEST',
  'SYSTEM_READ',
] as const;
export type Role = (typeof roles)[number];

/** Who is acting, for whom, and why: every service call receives one (brief section 4, DPA 2018 s62). */
export interface RequestContext {
  actor: { kind: 'user' | 'system'; id: string; name: string };
  organisation: { id: string; code: string; kind: string };
  roles: readonly Role[];
  /** The purpose the user declared for this work; required for any read of a person. */
  purpose: string | undefined;
  caseReference: string | undefined;
  correlationId: string;
  /** How the action reached LEDS, for the audit entry; API when not set. */
  channel?: 'API' | 'WEB' | 'CLI' | 'JOB';
}

/** A case reference as people write them (a crime number, an operation name): the same rule on pages and the API. */
export const caseReferenceRule = {
  maxLength: 100,
  pattern: /^[\w ./:-]+$/,
  says: 'up to 100 letters, digits, spaces and . / : - _',
} as const;

export const isCaseReference = (value: string) =>
  value.length <= caseReferenceRule.maxLength && caseReferenceRule.pattern.test(value);

/** A purpose code (config/purposes.json): capitals and underscores. */
export const isPurposeCode = (value: string) => /^[A-Z][A-Z_]{0,63}$/.test(value);

/**
 * The context of an operator working on the command line (adding organisations, users, keys, agreements) or of
 * LEDS's own jobs: no organisation, no purpose. Their changes are audited under this name.
 */
export function operatorContext(channel: 'CLI' | 'JOB' = 'CLI', name = `cli:${userInfo().username}`): RequestContext {
  return {
    actor: { kind: 'system', id: name, name },
    organisation: { id: '', code: '', kind: '' },
    roles: [],
    purpose: undefined,
    caseReference: undefined,
    correlationId: randomUUID(),
    channel,
  };
}
