import { describe, expect, it } from 'vitest';

import * as policy from '../../machines/policy/index.js';

describe('policy index', () => {
  it('re-exports every module', () => {
    const expected = [
      'CalendarYearMissingError',
      'declarationWindow',
      'PolicyError',
      'parseFeePeriod',
      'validateCreditCode',
      'parseIsoDate',
      'lateFeeFen',
      'agencyOfInsurance',
      'routeFeeCase',
    ];

    for (const name of expected) {
      expect(policy, name).toHaveProperty(name);
    }
  });
});
