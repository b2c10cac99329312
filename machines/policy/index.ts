// Public entry point of the pure policy core: fee periods, dates and working days, parties,
// agency routing, identifiers, fee arithmetic, contribution rates, base limits and work-injury classes.
export * from './calendar.js';
export * from './contribution-limits.js';
export * from './declaration-window.js';
export * from './errors.js';
export * from './fee-period.js';
export * from './identifiers.js';
export * from './iso-date.js';
export * from './money.js';
export * from './parties.js';
export * from './rates.js';
export * from './routing.js';
export * from './work-injury-classes.js';
