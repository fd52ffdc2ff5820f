import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declareLifecycle } from './lifecycle.ts';

const application = declareLifecycle({
  SUBMITTED: ['APPROVED', 'REFUSED'],
  REFUSED: ['APPEALED'],
  APPROVED: [],
  APPEALED: [],
});
const refused = () => new Error('refused');

describe('a declared lifecycle', () => {
  it('allows a declared transition', () => {
    assert.equal(application.mayMove('SUBMITTED', 'APPROVED'), true);
    assert.doesNotThrow(() => application.assertMayMove('SUBMITTED', 'REFUSED', refused));
    assert.doesNotThrow(() => application.assertMayMove('SUBMITTED', ['APPROVED', 'REFUSED'], refused));
  });

  it('refuses an undeclared transition with the error the caller makes', () => {
    assert.equal(application.mayMove('APPROVED', 'APPEALED'), false);
    assert.throws(() => application.assertMayMove('APPROVED', 'APPEALED', refused), /refused/);
    assert.throws(() => application.assertMayMove('REFUSED', ['APPEALED', 'APPROVED'], refused), /refused/);
  });

  it('refuses a move from a state it does not know', () => {
    assert.throws(() => application.assertMayMove('toString', 'APPROVED', refused), /refused/);
  });

  it('names the states a move may start from, in declared order', () => {
    assert.deepEqual(application.statesBefore('APPEALED'), ['REFUSED']);
    assert.deepEqual(application.statesBefore('REFUSED'), ['SUBMITTED']);
  });
});
