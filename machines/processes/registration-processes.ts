import type { ProcessDefinition } from '../engine/process-definition.js';

/** Registration processes (参保登记): employers and personnel. */
export const REGISTRATION_PROCESSES: readonly ProcessDefinition[] = [];
