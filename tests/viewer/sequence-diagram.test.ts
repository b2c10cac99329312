import { describe, expect, it } from 'vitest';
import { individualBackPayment } from '../../machines/processes/individual-back-payment.js';
import { renderSequenceDiagram } from '../../viewer/mermaid/sequence-diagram.js';
import type { ExchangeStep } from '../../viewer/mermaid/sequence-diagram.js';

/** Decodes Mermaid's numeric entity codes, as Mermaid does after parsing. */
const decode = (text: string): string => text.replace(/#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)));

const step = (seq: number, type: string, party: string, channel: string, businessDate = '2024-01-16'): ExchangeStep => ({
  seq,
  type,
  party,
  channel,
  businessDate,
});

// The worked back-payment: employer maintains the start month at hr, hr pushes it to tax, the employer
// declares to tax, tax assesses, the employer pays.
const workedExample: ExchangeStep[] = [
  step(1, 'CASE_CREATED', 'employer', 'api', '2024-01-15'),
  step(2, 'MAINTAIN_START_MONTH', 'employer', 'hr-online'),
  step(3, 'HR_PUSH_START_MONTH', 'hr', 'api'),
  step(4, 'DECLARE', 'employer', 'fee-client'),
  step(5, 'ASSESS', 'tax', 'api'),
  step(6, 'PAY', 'employer', 'fee-client'),
];

describe('renderSequenceDiagram', () => {
  it('draws each step from sender to receiver in order', () => {
    const text = renderSequenceDiagram(individualBackPayment, workedExample, 'en');
    const messages = text.split('\n').filter((line) => line.includes('->>'));
    expect(messages.map((line) => line.trim().split(':')[0])).toEqual([
      'employer->>hr',
      'hr->>tax',
      'employer->>tax',
      'tax->>employer',
      'employer->>tax',
    ]);
  });

  it('names the channel and business date of a step', () => {
    const text = renderSequenceDiagram(individualBackPayment, workedExample, 'zh');
    const declare = decode(text.split('\n').find((line) => line.includes('employer->>tax')) ?? '');
    expect(declare).toContain('向税务申报补缴');
    expect(declare).toContain('(社保费管理客户端)');
    expect(declare).toContain('2024-01-16');
  });

  it('shows the creation as a note', () => {
    const text = renderSequenceDiagram(individualBackPayment, workedExample, 'zh');
    expect(decode(text)).toContain('Note over employer: 1. 立案 2024-01-15');
  });

  it('declares the four parties with Chinese names', () => {
    const text = renderSequenceDiagram(individualBackPayment, workedExample, 'zh');
    expect(text).toContain('participant employer as 用人单位');
    expect(text).toContain('participant tax as 税务部门');
    expect(text).not.toContain('participant system');
  });
});
