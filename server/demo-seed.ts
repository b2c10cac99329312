import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor, CaseService } from './case-service.js';

/** A valid unified social credit code and resident ID from the GB standards' own examples. */
const DEMO_EMPLOYER_CODE = '91350100M000100Y43';
const DEMO_PERSON = { name: '张三', idNumber: '11010519491231002X' };

const demoEmployer: Actor = { id: 'demo-employer', role: 'employer', party: 'employer' };
const demoHr: Actor = { id: 'demo-hr', role: 'caseworker', party: 'hr' };

/**
 * Seeds demo cases, marked as demo, drawn from the worked example of the individual back-payment: a person
 * added in January 2024 whose December 2023 is paid back. Runs only on an empty database, so restarts
 * and real data are never touched. Returns the number of cases created.
 */
export async function seedDemoCases(db: Kysely<Database>, service: CaseService, logger: Logger): Promise<number> {
  const existing = await db.selectFrom('cases').select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirst();
  if (Number(existing?.count ?? 0) > 0) return 0;

  const backPayment = {
    processId: 'individual-back-payment',
    input: {
      employerCode: DEMO_EMPLOYER_CODE,
      person: DEMO_PERSON,
      fromPeriod: '2023-12',
      toPeriod: '2023-12',
      insurances: ['pension', 'unemployment', 'workInjury', 'medical'],
      startMonthAtTax: '2024-01',
    },
    demo: true,
  };
  // 1. Just opened: the declaration to tax is still blocked by the missing start-month maintenance.
  await service.createCase(backPayment, demoEmployer);

  // 2. Start month maintained at hr and pushed to tax: ready to declare.
  const ready = await service.createCase(backPayment, demoEmployer);
  const maintained = await service.submitEvent(
    ready.id,
    { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: ready.version, channel: 'hr-online' },
    demoEmployer,
  );
  await service.submitEvent(
    ready.id,
    { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: maintained.case.version },
    demoHr,
  );

  // 3. A fee period before the handover: hr's legacy route.
  await service.createCase({ ...backPayment, input: { ...backPayment.input, fromPeriod: '2023-06', toPeriod: '2023-08' } }, demoEmployer);

  logger.info({ cases: 3 }, 'demo cases seeded');
  return 3;
}
