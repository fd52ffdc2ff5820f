import type { FieldProblem } from '../../platform/errors.ts';

/** A record that cannot be stored; each problem names the field. Nothing of the record is written. */
export class RecordRejected extends Error {
  override name = 'RecordRejected';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/** Rejects the record for one field's problem. */
export const reject = (field: string, message: string): never => {
  throw new RecordRejected([{ field, message }]);
};
