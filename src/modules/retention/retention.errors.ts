import { LedsError } from '../../platform/errors.ts';

// What an unknown id is answered; a caller who may not see what an id names gets exactly the same.
export const personNotFound = (personId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `LEDS holds no retention for person \`${personId}\``, [
    { field: 'personId', message: 'no such person' },
  ]);
export const itemNotFound = (itemId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `LEDS holds no retained item \`${itemId}\``, [
    { field: 'itemId', message: 'no such item' },
  ]);
export const disposalNotFound = (disposalId: string) =>
  new LedsError('RETENTION_ITEM_NOT_FOUND', `no disposal \`${disposalId}\``, [
    { field: 'disposalId', message: 'no such disposal' },
  ]);
export const instrumentNotFound = (instrumentId: string) =>
  new LedsError('RETENTION_INSTRUMENT_NOT_FOUND', `no instrument \`${instrumentId}\``);
export const applicationNotFound = (applicationId: string) =>
  new LedsError('RETENTION_APPLICATION_NOT_FOUND', `no application \`${applicationId}\``);
