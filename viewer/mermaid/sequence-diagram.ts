import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import type { Channel, Party } from '../../machines/policy/parties.js';
import { CHANNEL_TITLES, PARTY_TITLES } from '../../machines/policy/parties.js';
import { escapeMermaidLabel } from './state-diagram.js';
import type { Language } from './state-diagram.js';

/** One recorded step of a case, as much of it as the exchange diagram shows. */
export interface ExchangeStep {
  readonly seq: number;
  readonly type: string;
  readonly party: string;
  readonly channel: string;
  readonly businessDate: string;
}

/** The agency each channel belongs to: an employer's step through a channel is a message to that agency. */
const CHANNEL_AGENCY: Readonly<Record<Channel, Party | null>> = {
  'fee-client': 'tax',
  'e-tax': 'tax',
  'tax-window': 'tax',
  'hr-window': 'hr',
  'hr-online': 'hr',
  'medical-window': 'medical',
  api: null,
  system: null,
};

/** Participants in the order they appear, left to right. */
const PARTICIPANTS: readonly Party[] = ['employer', 'hr', 'medical', 'tax', 'system'];

/**
 * Renders the exchange between employer, hr, medical and tax in a case's history as a Mermaid
 * `sequenceDiagram`, one message per event in order. The receiver of a step is the event definition's
 * `recipients` when given; otherwise an employer's step goes to the agency of its channel and an agency's
 * or the system's step goes to the employer. The case's creation is a note, not a message.
 */
export function renderSequenceDiagram(definition: ProcessDefinition, steps: readonly ExchangeStep[], language: Language = 'zh'): string {
  const messages: string[] = [];
  const used = new Set<Party>();
  for (const step of steps) {
    const sender = asParty(step.party);
    if (step.type === 'CASE_CREATED') {
      used.add(sender);
      const opened = language === 'zh' ? '立案' : 'case opened';
      messages.push(`  Note over ${sender}: ${escapeMermaidLabel(`${step.seq}. ${opened} ${step.businessDate}`)}`);
      continue;
    }
    const eventDefinition = definition.events[step.type];
    const receivers = eventDefinition?.recipients ?? [defaultReceiver(sender, step.channel)];
    const title = eventDefinition?.title[language] ?? step.type;
    const channel = CHANNEL_TITLES[step.channel as Channel]?.[language];
    const label = `${step.seq}. ${title}${channel && step.channel !== 'api' && step.channel !== 'system' ? ` (${channel})` : ''} ${step.businessDate}`;
    used.add(sender);
    for (const receiver of receivers) {
      used.add(receiver);
      // A step that stays with one party (an agency's internal review) is drawn as a self-message.
      messages.push(`  ${sender}->>${receiver}: ${escapeMermaidLabel(label)}`);
    }
  }
  const participants = PARTICIPANTS.filter((party) => used.has(party) || party !== 'system').map(
    (party) => `  participant ${party} as ${escapeMermaidLabel(PARTY_TITLES[party][language])}`,
  );
  return `${['sequenceDiagram', ...participants, ...messages].join('\n')}\n`;
}

function defaultReceiver(sender: Party, channel: string): Party {
  if (sender === 'employer') return CHANNEL_AGENCY[channel as Channel] ?? 'tax';
  return 'employer';
}

function asParty(value: string): Party {
  return (PARTICIPANTS as readonly string[]).includes(value) ? (value as Party) : 'system';
}
