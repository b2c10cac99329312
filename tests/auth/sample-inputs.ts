import { EMPLOYER_CODE, PERSON } from '../support/api-client.js';

/** A second valid unified social credit code, for another employer. */
export const OTHER_EMPLOYER_CODE = '91110108MA01ABCD0B';

/**
 * A valid input of every process, so that access tests can open a case of each. A process without an
 * entry here fails the access-table test, which names it: add its input when adding a process.
 */
export const SAMPLE_INPUTS: Readonly<Record<string, Record<string, unknown>>> = {
  'individual-back-payment': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    fromPeriod: '2023-12',
    toPeriod: '2023-12',
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    startMonthAtTax: '2024-01',
  },
  'monthly-report': { employerCode: EMPLOYER_CODE, feePeriod: '2024-07' },
  arrears: { employerCode: EMPLOYER_CODE, months: [{ feePeriod: '2024-05', principalFen: 100_000 }] },
  'employer-registration': {
    employerCode: EMPLOYER_CODE,
    employerName: '北京示例科技有限公司',
    openedOn: '2024-08-19',
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    workInjuryRiskClass: 2,
    accountKind: 'ordinary',
    needsFirstMonthBackPayment: false,
  },
  'industry-change': { employerCode: EMPLOYER_CODE, currentRiskClass: 2, appliedIn: '2024-08' },
  'personnel-addition': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    labourContract: { kind: 'fixed-term', startsOn: '2024-08-01', endsOn: '2027-07-31' },
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  },
  'personnel-termination': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    startMonth: '2023-06',
    contractEndMonth: '2024-08',
    terminationMonth: '2024-08',
    reason: 'employee-resigned',
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  },
  'personal-data-change': {
    employerCode: EMPLOYER_CODE,
    before: { name: '张一', idType: 'resident-id', idNumber: PERSON.idNumber },
    requestedIn: '2024-08',
  },
  'contribution-base-declaration': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    kind: 'adjustment',
    months: [{ feePeriod: '2024-07', wageFen: 800_000 }],
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    workInjuryRatePpm: 4_000,
  },
  'sporadic-report': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    feePeriod: '2024-08',
    reason: 'retirement',
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  },
  'policy-back-payment': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    fromPeriod: '2019-01',
    toPeriod: '2019-06',
    insurances: ['pension', 'unemployment'],
    policyBasis: '关于做好部分人员补缴基本养老保险费工作的通知',
  },
  'base-difference-top-up': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    months: [{ feePeriod: '2024-04', oldBaseFen: 1_000_000, newBaseFen: 1_100_100 }],
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    workInjuryRatePpm: 4_000,
  },
  'base-difference-refund': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    months: [{ feePeriod: '2024-05', oldBaseFen: 1_200_050, newBaseFen: 1_000_000 }],
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
    workInjuryRatePpm: 4_000,
  },
  'refund-application': {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    reason: 'other',
    explanation: '职工离职后单位多申报了一个月',
    lines: [
      { insurance: 'medical', feePeriod: '2024-02', amountFen: 6_000 },
      { insurance: 'pension', feePeriod: '2024-02', amountFen: 10_000 },
    ],
  },
};

/** The business date the access tests run on: inside the declaration window of fee period 2024-07. */
export const SAMPLE_NOW = new Date('2024-08-20T02:00:00Z');
