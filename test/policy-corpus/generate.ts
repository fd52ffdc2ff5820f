// Writes test/policy-corpus/cases.json: the decision corpus. Expected decisions come from the rules as the
// access issue states them, written out here independently of the Cedar policies, so that the corpus test
// fails when the policies and the rules part ways. Run: node --import tsx test/policy-corpus/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';

const datasets = JSON.parse(readFileSync(new URL('../../config/datasets.json', import.meta.url), 'utf8')).datasets as {
  code: string;
  gatheredFor: string[];
}[];
const purposes = (
  JSON.parse(readFileSync(new URL('../../config/purposes.json', import.meta.url), 'utf8')).purposes as {
    code: string;
  }[]
).map((p) => p.code);
const kinds: Record<string, string[]> = {
  POLICE_FORCE: ['OFFICER'],
  NON_POLICE_AGENCY: ['INVESTIGATOR'],
  OVERSIGHT_BODY: ['OVERSIGHT_MEMBER'],
};
const readers = ['OFFICER', 'INVESTIGATOR', 'SYSTEM_READ'];

interface Case {
  name: string;
  principal: { organisationKind: string; roles: string[] };
  action: string;
  resource: { type: string; id: string; attrs?: Record<string, unknown> };
  context: { purpose: string; grants: string[] };
  expected: { decision: 'allow' | 'deny'; reasons: string[] };
}
const cases: Case[] = [];
const has = (roles: string[], any: string[]) => roles.some((r) => any.includes(r));

for (const [kind, roles] of Object.entries(kinds)) {
  for (const purpose of purposes) {
    for (const granted of [true, false]) {
      for (const dataset of datasets) {
        const grants = granted ? [`${dataset.code}:read`] : [];
        const forbids: string[] = [];
        if (dataset.code === 'INTELLIGENCE' && !(kind === 'POLICE_FORCE' && has(roles, ['OFFICER', 'SYSTEM_READ'])))
          forbids.push('intelligence-police-only');
        if (
          purpose === 'IMMIGRATION_ENFORCEMENT' &&
          dataset.gatheredFor.some((g) => g === 'MISSING_PERSON_SEARCH' || g === 'SAFEGUARDING')
        ) {
          forbids.push('no-immigration-use-of-missing-person-or-safeguarding-data');
        }
        const expected =
          forbids.length > 0
            ? { decision: 'deny' as const, reasons: forbids }
            : granted
              ? { decision: 'allow' as const, reasons: ['read-dataset-under-agreement'] }
              : { decision: 'deny' as const, reasons: [] };
        cases.push({
          name: `${kind} ${roles.join('+')} reads ${dataset.code} for ${purpose} ${granted ? 'with' : 'without'} a grant`,
          principal: { organisationKind: kind, roles },
          action: 'dataset.read',
          resource: {
            type: 'Dataset',
            id: dataset.code,
            attrs: { code: dataset.code, gatheredFor: dataset.gatheredFor },
          },
          context: { purpose, grants },
          expected,
        });
      }
      for (const protectedIdentity of [true]) {
        for (const [action, grant] of [
          ['person.search', 'NOMINAL_IDENTITY:search'],
          ['person.view', 'NOMINAL_IDENTITY:read'],
        ] as const) {
          for (const extraRole of [[], ['PROTECTED_IDENTITY']]) {
            const allRoles = [...roles, ...extraRole];
            const permitted = granted && has(allRoles, readers);
            const forbidden = !allRoles.includes('PROTECTED_IDENTITY');
            const policy = action === 'person.search' ? 'search-people-under-agreement' : 'view-people-under-agreement';
            cases.push({
              name: `${kind} ${allRoles.join('+')} asks ${action} of a protected identity for ${purpose} ${granted ? 'with' : 'without'} ${grant}`,
              principal: { organisationKind: kind, roles: allRoles },
              action,
              resource: { type: 'Person', id: 'protected', attrs: { protectedIdentity } },
              context: { purpose, grants: granted ? [grant] : [] },
              expected: forbidden
                ? { decision: 'deny', reasons: ['protected-identity-named-role-only'] }
                : permitted
                  ? { decision: 'allow', reasons: [policy] }
                  : { decision: 'deny', reasons: [] },
            });
          }
        }
      }
      for (const [action, grant, policy] of [
        ['person.search', 'NOMINAL_IDENTITY:search', 'search-people-under-agreement'],
        ['person.view', 'NOMINAL_IDENTITY:read', 'view-people-under-agreement'],
        ['custody-image.view', 'CUSTODY_IMAGES:read', 'view-custody-images-under-agreement'],
      ] as const) {
        const allowed = granted && has(roles, readers);
        cases.push({
          name: `${kind} ${roles.join('+')} asks ${action} for ${purpose} ${granted ? 'with' : 'without'} ${grant}`,
          principal: { organisationKind: kind, roles },
          action,
          resource: { type: 'Person', id: 'any', attrs: { protectedIdentity: false } },
          context: { purpose, grants: granted ? [grant] : [] },
          expected: allowed ? { decision: 'allow', reasons: [policy] } : { decision: 'deny', reasons: [] },
        });
      }
    }
  }
  for (const [systemRoles, granted] of [
    [['SYSTEM_INGEST'], true],
    [['SYSTEM_INGEST'], false],
    [['SYSTEM_READ'], true],
  ] as const) {
    const allowed = granted && has([...systemRoles], ['SYSTEM_INGEST', 'ADMINISTRATOR']);
    cases.push({
      name: `${kind} system ${systemRoles.join('+')} pushes records ${granted ? 'with' : 'without'} a push grant`,
      principal: { organisationKind: kind, roles: [...systemRoles] },
      action: 'ingest-batch.create',
      resource: { type: 'IngestBatch', id: 'any' },
      context: { purpose: '', grants: granted ? ['RECORDS:push'] : [] },
      expected: allowed
        ? { decision: 'allow', reasons: ['push-records-under-agreement'] }
        : { decision: 'deny', reasons: [] },
    });
  }
}
for (const kind of Object.keys(kinds)) {
  for (const roles of [['ADMINISTRATOR'], ['ACCESS_PANEL'], ['OFFICER'], ['INVESTIGATOR']]) {
    for (const [action, policy, allowedRole] of [
      ['access-application.submit', 'administrators-apply-for-access', 'ADMINISTRATOR'],
      ['access-application.review', 'access-panel-decides', 'ACCESS_PANEL'],
      ['access-application.decide', 'access-panel-decides', 'ACCESS_PANEL'],
      ['agreement.manage', 'access-panel-decides', 'ACCESS_PANEL'],
    ] as const) {
      const allowed = roles.includes(allowedRole);
      cases.push({
        name: `${kind} ${roles.join('+')} asks ${action}`,
        principal: { organisationKind: kind, roles },
        action,
        resource: { type: 'AccessApplication', id: 'any' },
        context: { purpose: '', grants: [] },
        expected: allowed ? { decision: 'allow', reasons: [policy] } : { decision: 'deny', reasons: [] },
      });
    }
  }
}
// Audit: auditors open cases and place holds; reading the log needs the AUDITOR role and the AUDIT purpose.
for (const kind of Object.keys(kinds)) {
  for (const roles of [['AUDITOR'], ['OFFICER'], ['ADMINISTRATOR'], ['OVERSIGHT_MEMBER']]) {
    for (const purpose of ['AUDIT', 'INVESTIGATION', '']) {
      for (const action of ['audit-case.open', 'audit-hold.manage', 'audit.search'] as const) {
        const auditor = roles.includes('AUDITOR');
        const allowed = action === 'audit.search' ? auditor && purpose === 'AUDIT' : auditor;
        const policy =
          action === 'audit.search'
            ? 'auditors-read-the-log-for-an-audit-purpose'
            : 'auditors-open-cases-and-place-holds';
        cases.push({
          name: `${kind} ${roles.join('+')} for ${purpose || 'no purpose'} asks ${action}`,
          principal: { organisationKind: kind, roles },
          action,
          resource: { type: 'AuditLog', id: 'any' },
          context: { purpose, grants: [] },
          expected: allowed ? { decision: 'allow', reasons: [policy] } : { decision: 'deny', reasons: [] },
        });
      }
    }
  }
}
// Credentials: an organisation's administrator, and no one else, revokes, rotates, disables and enables its own
// organisation's API keys and users; another organisation's are out of reach whatever the caller's roles.
// The corpus test puts every caller in the organisation `o`.
for (const kind of Object.keys(kinds)) {
  for (const roles of [
    ['ADMINISTRATOR'],
    ['ADMINISTRATOR', 'OFFICER'],
    ['OFFICER'],
    ['ACCESS_PANEL'],
    ['AUDITOR'],
    ['SYSTEM_INGEST'],
  ]) {
    for (const owner of ['own', 'another'] as const) {
      const allowed = roles.includes('ADMINISTRATOR') && owner === 'own';
      const ownerId = owner === 'own' ? 'o' : 'another-organisation';
      cases.push({
        name: `${kind} ${roles.join('+')} asks credential.manage of ${owner} organisation's credentials`,
        principal: { organisationKind: kind, roles },
        action: 'credential.manage',
        resource: {
          type: 'Credential',
          id: ownerId,
          attrs: { owner: { __entity: { type: 'Leds::Organisation', id: ownerId } } },
        },
        context: { purpose: '', grants: [] },
        expected: allowed
          ? { decision: 'allow', reasons: ['administrators-manage-their-own-organisations-credentials'] }
          : { decision: 'deny', reasons: [] },
      });
    }
  }
}
// Linking a pushed record to a person LEDS holds (issue 11 item 5): a pushing system with a push grant may, except
// to a protected identity (unless it holds the named role or its organisation owns the person record) and, outside
// the police, to a nominal known only from intelligence.
const entity = (id: string) => ({ __entity: { type: 'Leds::Organisation', id } });
for (const kind of Object.keys(kinds)) {
  for (const roles of [
    ['SYSTEM_INGEST'],
    ['ADMINISTRATOR'],
    ['SYSTEM_INGEST', 'PROTECTED_IDENTITY'],
    ['SYSTEM_READ'],
  ]) {
    for (const granted of [true, false]) {
      for (const protectedIdentity of [false, true]) {
        for (const intelligenceOnly of [false, true]) {
          for (const owner of ['own', 'another'] as const) {
            const permitted = granted && has(roles, ['SYSTEM_INGEST', 'ADMINISTRATOR']);
            const forbids: string[] = [];
            if (protectedIdentity && !roles.includes('PROTECTED_IDENTITY') && owner !== 'own')
              forbids.push('protected-identity-linked-by-its-force-or-the-named-role');
            if (intelligenceOnly && kind !== 'POLICE_FORCE')
              forbids.push('intelligence-only-nominals-linked-by-police-only');
            const ownerId = owner === 'own' ? 'o' : 'another-organisation';
            cases.push({
              name: `${kind} ${roles.join('+')} ${granted ? 'with' : 'without'} a push grant links to ${protectedIdentity ? 'a protected' : 'a'} ${intelligenceOnly ? 'intelligence-only' : 'evidential'} person of ${owner} organisation`,
              principal: { organisationKind: kind, roles },
              action: 'person.link',
              resource: {
                type: 'Person',
                id: `${protectedIdentity}:${intelligenceOnly}:${ownerId}`,
                attrs: { protectedIdentity, intelligenceOnly, owner: entity(ownerId) },
              },
              context: { purpose: '', grants: granted ? ['RECORDS:push'] : [] },
              expected:
                forbids.length > 0
                  ? { decision: 'deny', reasons: forbids }
                  : permitted
                    ? { decision: 'allow', reasons: ['link-pushed-records-under-agreement'] }
                    : { decision: 'deny', reasons: [] },
            });
          }
        }
      }
    }
  }
}
// Reviewing held records: an administrator of the force that owns the person a record names; for a protected
// identity, only with the named role.
for (const kind of Object.keys(kinds)) {
  for (const roles of [['ADMINISTRATOR'], ['ADMINISTRATOR', 'PROTECTED_IDENTITY'], ['OFFICER', 'PROTECTED_IDENTITY']]) {
    for (const protectedIdentity of [false, true]) {
      for (const owner of ['own', 'another'] as const) {
        const ownerId = owner === 'own' ? 'o' : 'another-organisation';
        const permitted = roles.includes('ADMINISTRATOR') && owner === 'own';
        const forbidden = protectedIdentity && !roles.includes('PROTECTED_IDENTITY');
        cases.push({
          name: `${kind} ${roles.join('+')} reviews a record held against ${protectedIdentity ? 'a protected identity' : 'a person'} of ${owner} organisation`,
          principal: { organisationKind: kind, roles },
          action: 'held-record.review',
          resource: {
            type: 'HeldRecord',
            id: `${protectedIdentity}:${ownerId}`,
            attrs: { owner: entity(ownerId), protectedIdentity },
          },
          context: { purpose: '', grants: [] },
          expected: forbidden
            ? { decision: 'deny', reasons: ['protected-identity-held-records-named-role-only'] }
            : permitted
              ? { decision: 'allow', reasons: ['administrators-review-records-held-for-their-force'] }
              : { decision: 'deny', reasons: [] },
        });
      }
    }
  }
}
// Retention (issue 5, and issue 11 item 6): a retention officer decides for their own force's items, reviews them
// for the data quality purpose, and a protected identity's only with the named role.
for (const roles of [['RETENTION_OFFICER'], ['RETENTION_OFFICER', 'PROTECTED_IDENTITY'], ['OFFICER']]) {
  for (const purpose of ['DATA_QUALITY', 'INVESTIGATION']) {
    for (const protectedIdentity of [false, true]) {
      for (const owner of ['own', 'another'] as const) {
        for (const action of ['retention.review', 'retention.decide'] as const) {
          const ownerId = owner === 'own' ? 'o' : 'another-organisation';
          const permitted =
            roles.includes('RETENTION_OFFICER') &&
            owner === 'own' &&
            (action === 'retention.decide' || purpose === 'DATA_QUALITY');
          const forbidden = protectedIdentity && !roles.includes('PROTECTED_IDENTITY');
          cases.push({
            name: `POLICE_FORCE ${roles.join('+')} for ${purpose} asks ${action} of ${protectedIdentity ? 'a protected identity' : 'a person'} of ${owner} force`,
            principal: { organisationKind: 'POLICE_FORCE', roles },
            action,
            resource: {
              type: 'RetentionSchedule',
              id: `${protectedIdentity}:${ownerId}`,
              attrs: { owner: entity(ownerId), protectedIdentity },
            },
            context: { purpose, grants: [] },
            expected: forbidden
              ? { decision: 'deny', reasons: ['protected-identity-retention-named-role-only'] }
              : permitted
                ? {
                    decision: 'allow',
                    reasons: [
                      action === 'retention.review'
                        ? 'retention-officers-review-their-forces-records-for-the-retention-purpose'
                        : 'retention-officers-decide-for-their-own-force',
                    ],
                  }
                : { decision: 'deny', reasons: [] },
          });
        }
      }
    }
  }
}
// Deletion notices, applications for deletion and batch reports (issue 13 item 9), as docs/retention.md and
// docs/ingest.md state them: a police force's system, administrator or retention officer receives its notices;
// staff (officers, retention officers, administrators) enter applications for people; only a police retention
// officer matches an unmatched one; a force's system, administrator or officer reads its own batch reports.
const roleSets = [
  ['SYSTEM_INGEST'],
  ['SYSTEM_READ'],
  ['ADMINISTRATOR'],
  ['RETENTION_OFFICER'],
  ['OFFICER'],
  ['INVESTIGATOR'],
  ['AUDITOR'],
  ['OVERSIGHT_MEMBER'],
];
for (const kind of Object.keys(kinds)) {
  for (const roles of roleSets) {
    const police = kind === 'POLICE_FORCE';
    for (const [action, allowed, policy] of [
      [
        'deletion-notice.receive',
        police && has(roles, ['SYSTEM_INGEST', 'SYSTEM_READ', 'ADMINISTRATOR', 'RETENTION_OFFICER']),
        'forces-receive-their-deletion-notices',
      ],
      [
        'deletion-application.submit',
        has(roles, ['OFFICER', 'RETENTION_OFFICER', 'ADMINISTRATOR']),
        'staff-enter-applications-for-deletion',
      ],
      [
        'deletion-application.match',
        police && roles.includes('RETENTION_OFFICER'),
        'police-retention-officers-match-unmatched-applications',
      ],
    ] as const) {
      cases.push({
        name: `${kind} ${roles.join('+')} asks ${action}`,
        principal: { organisationKind: kind, roles },
        action,
        resource: { type: 'RetentionSchedule', id: 'any' },
        context: { purpose: '', grants: [] },
        expected: allowed ? { decision: 'allow', reasons: [policy] } : { decision: 'deny', reasons: [] },
      });
    }
    const viewsBatches = has(roles, ['SYSTEM_INGEST', 'ADMINISTRATOR', 'OFFICER']);
    cases.push({
      name: `${kind} ${roles.join('+')} asks ingest-batch.view`,
      principal: { organisationKind: kind, roles },
      action: 'ingest-batch.view',
      resource: { type: 'IngestBatch', id: 'any' },
      context: { purpose: '', grants: [] },
      expected: viewsBatches
        ? { decision: 'allow', reasons: ['view-own-ingest-batches'] }
        : { decision: 'deny', reasons: [] },
    });
  }
}
writeFileSync(new URL('./cases.json', import.meta.url), `${JSON.stringify(cases, null, 1)}\n`);
console.log(`${cases.length} cases`);
