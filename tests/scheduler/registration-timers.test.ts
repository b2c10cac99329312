import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYER, EMPLOYER_CODE, HR, MEDICAL, PERSON, request, sendEvent } from '../support/api-client.js';
import { testDialects } from '../support/databases.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { parseFeePeriod } from '../../machines/policy/fee-period.js';
import { parseIsoDate } from '../../machines/policy/iso-date.js';
import { personalDataChangeTimers } from '../../machines/processes/personal-data-change-timers.js';
import { personnelAdditionTimers } from '../../machines/processes/personnel-addition-timers.js';
import { expectOk, listTimerRows, openCase, schedulerFor, setBeijingDate } from '../support/cluster.js';

const ADDITION = {
  processId: 'personnel-addition',
  input: {
    employerCode: EMPLOYER_CODE,
    person: PERSON,
    labourContract: { kind: 'fixed-term', startsOn: '2024-03-01', endsOn: '2027-02-28' },
    insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
  },
};

const ZHANG_YI = { name: '张一', idType: 'resident-id', idNumber: PERSON.idNumber };
const ZHANG_ER = { name: '张二', idType: 'resident-id', idNumber: PERSON.idNumber };
const DATA_CHANGE = { processId: 'personal-data-change', input: { employerCode: EMPLOYER_CODE, before: ZHANG_YI, requestedIn: '2024-01' } };

describe('registration timers', () => {
  it('remind of the wage after the first window of the addition month', () => {
    // Added on 2024-03-05: the wage was needed in the window of fee period 2024-03, which closes on
    // Thursday 2024-04-25, a working day.
    expect(personnelAdditionTimers({ registeredOn: parseIsoDate('2024-03-05') }, ['awaitingWageDeclaration'])).toEqual([
      { key: 'wage-declaration-overdue', eventType: 'WAGE_DECLARATION_OVERDUE', data: {}, dueOn: '2024-04-26' },
    ]);
    expect(personnelAdditionTimers({ registeredOn: null }, ['awaitingRegistration'])).toEqual([]);
    expect(personnelAdditionTimers({ registeredOn: parseIsoDate('2024-03-05') }, ['overdue'])).toEqual([]);
  });

  it('skip the wage reminder when the window falls in a year without calendar data', () => {
    expect(personnelAdditionTimers({ registeredOn: parseIsoDate('2026-12-05') }, ['awaitingWageDeclaration'])).toEqual([]);
  });

  it('check each month end in turn, the request month first', () => {
    const tracking = ['tracking.hr.pending', 'tracking.medical.pending', 'tracking.taxView.oneRecord'];
    const requestedIn = parseFeePeriod('2024-01');
    expect(personalDataChangeTimers({ requestedIn, lastCheck: null }, tracking)).toEqual([
      { key: 'month-end-check', eventType: 'MONTH_END_CHECK', data: { feePeriod: '2024-01' }, dueOn: '2024-01-31' },
    ]);
    expect(personalDataChangeTimers({ requestedIn, lastCheck: { feePeriod: parseFeePeriod('2024-01') } }, tracking)).toEqual([
      { key: 'month-end-check', eventType: 'MONTH_END_CHECK', data: { feePeriod: '2024-02' }, dueOn: '2024-02-29' },
    ]);
    expect(personalDataChangeTimers({ requestedIn, lastCheck: null }, ['consistent'])).toEqual([]);
  });
});

describe.each(testDialects())('registration timers fired by the scheduler on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });

  afterAll(async () => {
    await server.close();
    await server.database.drop();
  });

  async function history(caseId: string): Promise<any[]> {
    return (await request(server.baseUrl, 'GET', `/api/cases/${caseId}/history`)).body.events;
  }

  it('marks an undeclared wage overdue after the first window', async () => {
    setBeijingDate(server, '2024-03-05');
    const { id } = await openCase(server.baseUrl, ADDITION);
    await expectOk(await sendEvent(server.baseUrl, id, HR, { type: 'REGISTRATION_SUCCEEDED', data: {}, expectedVersion: 1 }));
    expect((await listTimerRows(server.database, id))[0]).toMatchObject({ event_type: 'WAGE_DECLARATION_OVERDUE', due_on: '2024-04-26', status: 'pending' });

    const scheduler = schedulerFor(server);
    setBeijingDate(server, '2024-04-25', 23);
    expect((await scheduler.runOnce()).fired).toBe(0);
    setBeijingDate(server, '2024-04-26', 0);
    expect((await scheduler.runOnce()).fired).toBe(1);

    const fired = (await history(id)).at(-1);
    expect(fired).toMatchObject({ type: 'WAGE_DECLARATION_OVERDUE', actor: { id: 'system:timer', party: 'system' }, stateAfter: ['overdue'] });
    await expectOk(await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'DECLARE_WAGE', data: { wageFen: 800_000 }, expectedVersion: 3, channel: 'e-tax' }));
    expect((await listTimerRows(server.database, id)).filter((row) => row['status'] === 'pending')).toEqual([]);
  });

  it('checks a personal data change at each month end until both sides agree', async () => {
    setBeijingDate(server, '2024-01-10');
    const { id } = await openCase(server.baseUrl, DATA_CHANGE);
    const [january] = await listTimerRows(server.database, id);
    expect(january).toMatchObject({ event_type: 'MONTH_END_CHECK', due_on: '2024-01-31', status: 'pending' });

    setBeijingDate(server, '2024-01-15');
    await expectOk(await sendEvent(server.baseUrl, id, HR, { type: 'HR_CHANGE_RECORDED', data: { after: ZHANG_ER, month: '2024-01' }, expectedVersion: 1 }));
    // The change leaves the month-end timer as it was.
    expect((await listTimerRows(server.database, id)).filter((row) => row['status'] === 'pending').map((row) => row['id'])).toEqual([january?.['id']]);

    const scheduler = schedulerFor(server);
    setBeijingDate(server, '2024-01-31', 18);
    expect((await scheduler.runOnce()).fired).toBe(1);
    const split = (await request(server.baseUrl, 'GET', `/api/cases/${id}`)).body;
    expect(split.state).toContain('tracking.taxView.splitRecord');

    setBeijingDate(server, '2024-02-05');
    await expectOk(await sendEvent(server.baseUrl, id, MEDICAL, { type: 'MEDICAL_CHANGE_RECORDED', data: { after: ZHANG_ER, month: '2024-02' }, expectedVersion: 3 }));
    setBeijingDate(server, '2024-02-29', 18);
    expect((await scheduler.runOnce()).fired).toBe(1);

    const checks = (await history(id)).filter((event) => event.type === 'MONTH_END_CHECK');
    expect(checks.map((event) => event.data)).toEqual([{ feePeriod: '2024-01' }, { feePeriod: '2024-02' }]);
    expect((await request(server.baseUrl, 'GET', `/api/cases/${id}`)).body.state).toEqual(['consistent']);
    expect((await listTimerRows(server.database, id)).filter((row) => row['status'] === 'pending')).toEqual([]);
  });
});
