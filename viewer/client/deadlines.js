// The deadline of each waiting case on the worklist, by process, from the fee rules. Declaration deadlines
// come from the server (`page.declarationDeadlines`, computed by the engine's `declarationWindow` with its
// holiday calendar), so this module never moves a date by the calendar itself.

/** Returns the last day of a `YYYY-MM` month. */
export function monthEnd(period) {
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

function dayBefore(date) {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function earliest(values) {
  const dates = values.filter((value) => typeof value === 'string');
  return dates.length > 0 ? dates.sort()[0] : null;
}

function latest(values) {
  const dates = values.filter((value) => typeof value === 'string');
  return dates.length > 0 ? dates.sort().at(-1) : null;
}

/**
 * The deadline rules by process id. Each returns `{ date, rule }`, where `rule` names the message
 * `deadline.rule.<rule>` that explains it, or null when the case has no deadline yet in its current state.
 * Processes missing here have no deadline in the fee rules: back-payments, base-difference top-ups and
 * refunds, refund applications and terminations.
 */
const RULES = {
  // Declared and paid from the 10th to the 25th of the next month, moved to the next working day.
  'monthly-report': (context) => ({ date: context.window?.result?.deadline ?? null, rule: 'declarationWindow' }),

  // Each month of arrears already has its deadline, and the late fee began after the earliest unpaid one.
  arrears: (context) => ({
    date: earliest((context.months ?? []).filter((month) => !month.payment).map((month) => month.deadline?.date)),
    rule: 'arrears',
  }),

  // The wage is declared from the 10th of the month after the addition, within that month's window.
  'personnel-addition': (context, declarationDeadline) => {
    if (!context.registeredOn) return null;
    return { date: context.firstWindowDeadline ?? declarationDeadline(context.registeredOn.slice(0, 7)), rule: 'wageDeclaration' };
  },

  // The base of a month is declared in that month's window. An annual assessment has no fixed date here.
  'contribution-base-declaration': (context, declarationDeadline) => {
    if (context.kind === 'annual') return null;
    const first = earliest((context.months ?? []).map((month) => month.feePeriod));
    return first ? { date: declarationDeadline(first), rule: 'baseDeclaration' } : null;
  },

  // hr generates the month's fees on any day of that month, and they are then paid in its window.
  'sporadic-report': (context, declarationDeadline) => {
    if (!context.feePeriod) return null;
    if (context.generatedFen === null || context.generatedFen === undefined) return { date: monthEnd(context.feePeriod), rule: 'sporadicGenerate' };
    return { date: declarationDeadline(context.feePeriod), rule: 'sporadicPay' };
  },

  // hr and medical must record the change in the same month, so the deadline is the end of the month of
  // the first change, or of the requested month before either side acts. Once both sides have acted, it
  // is the end of the later month, whose month-end push reunites the records at tax. The month end is not
  // moved to a working day, because the month-end push is what has to find both changes.
  'personal-data-change': (context) => {
    const changes = [...(context.hrChanges ?? []), ...(context.medicalChanges ?? [])].map((change) => change.month);
    const bothSides = (context.hrChanges ?? []).length > 0 && (context.medicalChanges ?? []).length > 0;
    const month = bothSides ? latest(changes) : (earliest(changes) ?? context.requestedIn);
    return month ? { date: monthEnd(month), rule: 'sameMonthChange' } : null;
  },

  // hr pushes the new class before the collection period of the month after the change opens (the 10th).
  'industry-change': (context) => (context.pushDueBefore ? { date: dayBefore(context.pushDueBefore), rule: 'industryPush' } : null),

  // Without a first-month back-payment, hr sends the new employer's data in the month-end push.
  'employer-registration': (context) =>
    context.route === 'month-end-push' && context.openedOn ? { date: monthEnd(context.openedOn.slice(0, 7)), rule: 'registrationPush' } : null,
};

/**
 * Finds a case's deadline. Returns `{ kind: 'date', date, rule }` when it is known, and otherwise one of:
 * - `{ kind: 'pending' }`: the process has a deadline that the case's current state does not fix yet;
 * - `{ kind: 'none' }`: the process has no deadline;
 * - `{ kind: 'unknown', rule }`: the deadline falls in a year without holiday calendar data.
 */
export function findCaseDeadline(view, declarationDeadlines) {
  const rule = RULES[view.processId];
  if (!rule) return { kind: 'none' };
  const declarationDeadline = (period) => declarationDeadlines[period] ?? null;
  const found = rule(view.context ?? {}, declarationDeadline);
  if (!found) return { kind: 'pending' };
  if (!found.date) return { kind: 'unknown', rule: found.rule };
  return { kind: 'date', date: found.date, rule: found.rule };
}
