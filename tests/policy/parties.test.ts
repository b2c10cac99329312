import { describe, expect, it } from 'vitest';

import {
  AGENCIES,
  CHANNELS,
  CHANNEL_TITLES,
  INSURANCES,
  INSURANCE_TITLES,
  PARTIES,
  PARTY_TITLES,
  THREE_INSURANCES,
  agencyOfInsurance,
  isInsurance,
  isThreeInsurance,
} from '../../machines/policy/parties.js';

describe('parties', () => {
  it('lists insurances, agencies and parties', () => {
    expect(INSURANCES).toEqual(['pension', 'unemployment', 'workInjury', 'medical']);
    expect(THREE_INSURANCES).toEqual(['pension', 'unemployment', 'workInjury']);
    expect(AGENCIES).toEqual(['hr', 'medical', 'tax']);
    expect(PARTIES).toEqual(['employer', 'hr', 'medical', 'tax', 'system']);
  });

  it('lists channels', () => {
    expect(CHANNELS).toEqual(['fee-client', 'e-tax', 'tax-window', 'hr-window', 'hr-online', 'medical-window', 'api', 'system']);
  });

  it('titles parties in Chinese', () => {
    expect(PARTIES.map((party) => PARTY_TITLES[party].zh)).toEqual(['用人单位', '人社部门', '医保部门', '税务部门', '系统']);
  });

  it('titles insurances in Chinese', () => {
    expect(INSURANCES.map((insurance) => INSURANCE_TITLES[insurance].zh)).toEqual([
      '养老保险',
      '失业保险',
      '工伤保险',
      '医疗保险(含生育)',
    ]);
  });

  it('titles channels in Chinese', () => {
    expect(CHANNELS.map((channel) => CHANNEL_TITLES[channel].zh)).toEqual([
      '社保费管理客户端',
      '电子税务局',
      '税务窗口',
      '人社综合窗口',
      '人社网上服务大厅',
      '医保窗口',
      '接口',
      '系统',
    ]);
  });

  it('gives every title an English text', () => {
    const titles = [...Object.values(PARTY_TITLES), ...Object.values(INSURANCE_TITLES), ...Object.values(CHANNEL_TITLES)];

    for (const title of titles) {
      expect(title.en).toMatch(/^[A-Z]/);
    }
  });
});

describe('agencyOfInsurance', () => {
  it('sends the three insurances to hr', () => {
    for (const insurance of THREE_INSURANCES) {
      expect(agencyOfInsurance(insurance)).toBe('hr');
      expect(isThreeInsurance(insurance)).toBe(true);
    }
  });

  it('sends medical insurance to medical', () => {
    expect(agencyOfInsurance('medical')).toBe('medical');
    expect(isThreeInsurance('medical')).toBe(false);
  });
});

describe('isInsurance', () => {
  it('accepts known insurances only', () => {
    expect(isInsurance('workInjury')).toBe(true);
    expect(isInsurance('maternity')).toBe(false);
    expect(isInsurance(1)).toBe(false);
  });
});
