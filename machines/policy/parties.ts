import type { LocalizedText } from '../localized-text.js';

/** The four insurances that employers declare; maternity insurance is merged into medical insurance. */
export const INSURANCES = ['pension', 'unemployment', 'workInjury', 'medical'] as const;
export type Insurance = (typeof INSURANCES)[number];

/** The three insurances (三险) that the human resources and social security bureau handles. */
export const THREE_INSURANCES = ['pension', 'unemployment', 'workInjury'] as const satisfies readonly Insurance[];
export type ThreeInsurance = (typeof THREE_INSURANCES)[number];

/** The government agencies that take part in fee work. */
export const AGENCIES = ['hr', 'medical', 'tax'] as const;
export type Agency = (typeof AGENCIES)[number];

/** Everyone who can act in a case: the employer, the three agencies, and the system itself. */
export const PARTIES = ['employer', 'hr', 'medical', 'tax', 'system'] as const;
export type Party = (typeof PARTIES)[number];

/** Channels through which a step is taken: declaration channels, agency counters and web halls, the API, the system. */
export const CHANNELS = [
  'fee-client',
  'e-tax',
  'tax-window',
  'hr-window',
  'hr-online',
  'medical-window',
  'api',
  'system',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const PARTY_TITLES: Readonly<Record<Party, LocalizedText>> = {
  employer: { zh: '用人单位', en: 'Employer' },
  hr: { zh: '人社部门', en: 'Human resources and social security bureau' },
  medical: { zh: '医保部门', en: 'Medical security bureau' },
  tax: { zh: '税务部门', en: 'Tax bureau' },
  system: { zh: '系统', en: 'System' },
};

export const INSURANCE_TITLES: Readonly<Record<Insurance, LocalizedText>> = {
  pension: { zh: '养老保险', en: 'Pension insurance' },
  unemployment: { zh: '失业保险', en: 'Unemployment insurance' },
  workInjury: { zh: '工伤保险', en: 'Work-injury insurance' },
  medical: { zh: '医疗保险(含生育)', en: 'Medical insurance (incl. maternity)' },
};

export const CHANNEL_TITLES: Readonly<Record<Channel, LocalizedText>> = {
  'fee-client': { zh: '社保费管理客户端', en: 'Social insurance fee client' },
  'e-tax': { zh: '电子税务局', en: 'E-tax bureau' },
  'tax-window': { zh: '税务窗口', en: 'Tax service window' },
  'hr-window': { zh: '人社综合窗口', en: 'HR bureau service window' },
  'hr-online': { zh: '人社网上服务大厅', en: 'HR bureau online service hall' },
  'medical-window': { zh: '医保窗口', en: 'Medical security bureau window' },
  api: { zh: '接口', en: 'API' },
  system: { zh: '系统', en: 'System' },
};

/** Returns whether `value` is one of `INSURANCES`. */
export function isInsurance(value: unknown): value is Insurance {
  return typeof value === 'string' && (INSURANCES as readonly string[]).includes(value);
}

/** Returns whether the insurance is one of the three that the hr bureau handles. */
export function isThreeInsurance(insurance: Insurance): insurance is ThreeInsurance {
  return insurance !== 'medical';
}

/** Returns the agency that registers and keeps the records of an insurance: hr for 三险, medical otherwise. */
export function agencyOfInsurance(insurance: Insurance): 'hr' | 'medical' {
  return isThreeInsurance(insurance) ? 'hr' : 'medical';
}
