import type { ProcessDefinition } from '../engine/process-definition.js';
import { contributionBaseDeclaration } from './contribution-base-declaration.js';
import { employerRegistration } from './employer-registration.js';
import { industryChange } from './industry-change.js';
import { personalDataChange } from './personal-data-change.js';
import { personnelAddition } from './personnel-addition.js';
import { personnelTermination } from './personnel-termination.js';

/** Registration processes (参保登记): employers and personnel. */
export const REGISTRATION_PROCESSES: readonly ProcessDefinition[] = [
  employerRegistration,
  industryChange,
  personnelAddition,
  personnelTermination,
  personalDataChange,
  contributionBaseDeclaration,
];
