import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setup } from 'xstate';
import { z } from 'zod';
import { listLatestProcesses } from '../../machines/catalogue.js';
import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { renderStateDiagram } from '../../viewer/mermaid/state-diagram.js';
import { DECEMBER_BACK_PAYMENT, EMPLOYER, HR, request, sendEvent } from '../support/api-client.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import type { TestBrowser } from '../support/browser.js';
import { startTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

/** What Mermaid made of one diagram text in the browser. */
interface MermaidOutcome {
  readonly parsed: boolean;
  readonly error: string | null;
  readonly svg: string;
}

// Mermaid cannot parse or render under Node (it needs a DOM), so every diagram the server produces is
// checked in Chromium with Mermaid's own ESM build, served by the app from node_modules.
describe.runIf(browserAvailable())('Mermaid diagrams in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    // Any same-origin document will do: the diagrams are parsed by a module imported into it.
    await page.goto(`${server.baseUrl}/api/processes`);
    // A string, because Vitest rewrites import() inside functions it transforms.
    await page.evaluate(`(async () => {
      const mermaid = (await import('/static/mermaid/mermaid.esm.min.mjs')).default;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      globalThis.mermaid = mermaid;
    })()`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await server?.database.drop();
  });

  async function parseAndRender(text: string): Promise<MermaidOutcome> {
    return page.evaluate(async (diagram) => {
      const mermaid = (globalThis as unknown as { mermaid: any }).mermaid;
      try {
        await mermaid.parse(diagram);
      } catch (error) {
        return { parsed: false, error: String(error), svg: '' };
      }
      try {
        const id = `diagram-${Math.random().toString(36).slice(2)}`;
        const { svg } = await mermaid.render(id, diagram);
        return { parsed: true, error: null, svg };
      } catch (error) {
        return { parsed: true, error: String(error), svg: '' };
      }
    }, text);
  }

  it('serves only Mermaid scripts from node_modules', async () => {
    const script = await request(server.baseUrl, 'GET', '/static/mermaid/mermaid.esm.min.mjs');
    expect(script.status).toBe(200);
    const typings = await request(server.baseUrl, 'GET', '/static/mermaid/mermaid.d.ts');
    expect(typings.status).toBe(404);
  });

  it('parses and renders every process diagram in both languages', async () => {
    const processes = listLatestProcesses();
    expect(processes.length).toBeGreaterThan(0);
    for (const definition of processes) {
      for (const lang of ['zh', 'en'] as const) {
        const diagram = await request(server.baseUrl, 'GET', `/api/processes/${definition.id}/diagram.mmd?lang=${lang}`);
        expect(diagram.status, `${definition.id} ${lang}`).toBe(200);
        const outcome = await parseAndRender(diagram.text);
        expect(outcome.error, `${definition.id} (${lang}) diagram:\n${diagram.text}`).toBeNull();
        expect(outcome.svg, `${definition.id} (${lang})`).toContain('<svg');
        expect(outcome.svg, `${definition.id} (${lang}) renders its title`).toContain(escapeXml(definition.stateTitles[firstStatePath(diagram.text, definition.stateTitles)]?.[lang] ?? ''));
      }
    }
  });

  it('renders hostile labels literally', async () => {
    const definition = hostileProcess();
    const highlight = { current: new Set(['b', 'b.left', 'b.left.end']), visited: new Set(['a', 'a.pending', 'b.right.pending']) };
    const text = renderStateDiagram(definition, 'zh', highlight);
    const outcome = await parseAndRender(text);
    expect(outcome.error, text).toBeNull();
    for (const label of ['state "A"; note: {x} #2', '--> class style classDef', '左：人社；', '右 -- 医保', '%%{init: {}}%%']) {
      expect(outcome.svg, label).toContain(escapeXml(label));
    }
    // Markup in a title is shown as text, never interpreted.
    expect(outcome.svg).toContain('&lt;b&gt;待办&lt;/b&gt;');
    expect(outcome.svg).not.toContain('<b>待办</b>');
  });

  it('renders a case diagram with its highlight classes', async () => {
    const created = await request(server.baseUrl, 'POST', '/api/cases', { actor: EMPLOYER, json: DECEMBER_BACK_PAYMENT });
    const id: string = created.body.id;
    await sendEvent(server.baseUrl, id, EMPLOYER, { type: 'MAINTAIN_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 1, channel: 'hr-online' });
    await sendEvent(server.baseUrl, id, HR, { type: 'HR_PUSH_START_MONTH', data: { startMonth: '2023-12' }, expectedVersion: 2 });

    for (const path of [`/api/cases/${id}/sequence.mmd`, `/api/cases/${id}/sequence.mmd?lang=en&at=2`]) {
      const sequence = await request(server.baseUrl, 'GET', path);
      expect(sequence.status).toBe(200);
      const outcome = await parseAndRender(sequence.text);
      expect(outcome.error, `${path}:\n${sequence.text}`).toBeNull();
      expect(outcome.svg).toContain(path.includes('lang=en') ? 'Employer' : '用人单位');
    }
    for (const path of [`/api/cases/${id}/diagram.mmd`, `/api/cases/${id}/diagram.mmd?at=1&lang=en`]) {
      const diagram = await request(server.baseUrl, 'GET', path);
      const outcome = await parseAndRender(diagram.text);
      expect(outcome.error, `${path}:\n${diagram.text}`).toBeNull();
      expect(outcome.svg).toContain('current');
    }
    const latest = await parseAndRender((await request(server.baseUrl, 'GET', `/api/cases/${id}/diagram.mmd`)).text);
    expect(latest.svg).toContain('visited');
    // Labels with full-width brackets survive the entity escaping.
    expect(latest.svg).toContain('税务办理（2023年12月及以后）');
  });
});

/** A process whose titles use Mermaid's grammar characters and keywords, with repeated keys and regions. */
function hostileProcess(): ProcessDefinition {
  const machine = setup({}).createMachine({
    id: 'hostile',
    initial: 'a',
    states: {
      a: { initial: 'pending', states: { pending: { on: { GO: '#hostile.b' } } } },
      b: {
        type: 'parallel',
        states: {
          left: { initial: 'pending', states: { pending: { on: { DONE: 'end' } }, end: { type: 'final' } } },
          right: { initial: 'pending', states: { pending: { on: { DONE: 'end' } }, end: { type: 'final' } } },
        },
        onDone: 'end',
      },
      end: { type: 'final' },
    },
  });
  const title = (text: string) => ({ zh: text, en: text });
  return {
    id: 'hostile',
    version: 1,
    title: title('hostile'),
    description: title('hostile'),
    machine,
    inputSchema: z.object({}),
    events: {
      GO: { title: title('go: a --> b; #1 "quoted" {x}'), parties: ['employer'], schema: z.object({}) },
      DONE: { title: title('end'), parties: ['hr'], schema: z.object({}) },
    },
    stateTitles: {
      a: title('state "A"; note: {x} #2'),
      'a.pending': title('end'),
      b: title('--> class style classDef'),
      'b.left': title('左：人社；'),
      'b.left.pending': title('<b>待办</b> & more'),
      'b.left.end': title('[*]'),
      'b.right': title('右 -- 医保'),
      'b.right.pending': title('%%{init: {}}%%'),
      'b.right.end': title('state'),
      end: title('end'),
    },
    caseKeys: () => ({ employerCode: '', feePeriodFrom: '', feePeriodTo: '' }),
  };
}

/** The path of the first state declared in a diagram, found through its label. */
function firstStatePath(text: string, titles: Readonly<Record<string, unknown>>): string {
  const firstId = /state "[^"]*" as (s_\w+)/.exec(text)?.[1] ?? '';
  return Object.keys(titles).find((path) => `s_${path.replace(/\./g, '__')}` === firstId) ?? '';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
