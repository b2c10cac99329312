import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import type { DiagramCacheInfo } from '../mermaid/diagram-cache-info.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';

export interface WorklistPageProps {
  readonly frame: PageFrame;
  /** The business date of the server's clock, from which working days are counted. */
  readonly today: string;
  /** The working days around `today` by the engine's holiday calendar. */
  readonly workingDays: readonly string[];
  /** The declaration deadline of each fee period (`YYYY-MM`) around `today`, moved to a working day. */
  readonly declarationDeadlines: Readonly<Record<string, string>>;
  readonly processes: readonly ProcessDefinition[];
  /** Key parts of the process diagrams that the page draws in idle time for the case pages opened from it. */
  readonly diagramCache: DiagramCacheInfo;
}

/**
 * Renders the worklist's filter form and an empty table. The page's module lists the cases through
 * GET /api/cases, keeps those on the user's worklist, and sorts them overdue first, then by deadline.
 * In idle time it then draws the diagrams of the listed processes into the browser's diagram store.
 */
export function WorklistPage(props: WorklistPageProps) {
  const { language } = props.frame;
  const t = (key: MessageKey) => translate(language, key);
  const canOpen = props.frame.principal?.role === 'employer' || props.frame.principal?.role === 'caseworker';
  return (
    <Layout frame={props.frame} title={t('worklist.title')} script="worklist" modulePreloads={['deadlines', 'process-diagram']} data={{ today: props.today, workingDays: props.workingDays, declarationDeadlines: props.declarationDeadlines, diagramCache: props.diagramCache }}>
      <p id="worklist-hint" class="hint"></p>
      <form id="worklist-filters" class="filters" role="search">
        <div class="field">
          <label for="filter-process">{t('worklist.filter.process')}</label>
          <select id="filter-process" name="process">
            <option value="">{t('worklist.filter.any')}</option>
            {props.processes.map((process) => <option value={process.id}>{process.title[language]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="filter-state">{t('worklist.filter.state')}</label>
          <input id="filter-state" name="state" />
        </div>
        <div class="field">
          <label for="filter-employer">{t('worklist.filter.employer')}</label>
          <input id="filter-employer" name="employer" maxlength={18} />
        </div>
        <div class="field">
          <label for="filter-fee-period">{t('worklist.filter.feePeriod')}</label>
          <input id="filter-fee-period" name="feePeriod" pattern="\d{4}-(0[1-9]|1[0-2])" placeholder="2024-01" />
          <p class="field-error" id="filter-fee-period-error" role="alert"></p>
        </div>
        <div class="field">
          <label for="filter-search">{t('worklist.filter.search')}</label>
          <input id="filter-search" name="search" type="search" />
        </div>
        <button type="submit">{t('worklist.filter.apply')}</button>
      </form>
      {canOpen ? (
        <details class="new-case">
          <summary>{t('worklist.new')}</summary>
          <ul>
            {props.processes.map((process) => (
              <li>
                <a href={`/new/${process.id}`}>{process.title[language]}</a>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <p id="worklist-count" aria-live="polite"></p>
      <table id="worklist" class="grid">
        <thead>
          <tr>
            <th scope="col">{t('worklist.col.case')}</th>
            <th scope="col">{t('worklist.col.process')}</th>
            <th scope="col">{t('worklist.col.employer')}</th>
            <th scope="col">{t('worklist.col.feePeriod')}</th>
            <th scope="col">{t('worklist.col.state')}</th>
            <th scope="col">{t('worklist.col.deadline')}</th>
            <th scope="col">{t('worklist.col.daysLeft')}</th>
          </tr>
        </thead>
        <tbody></tbody>
      </table>
    </Layout>
  );
}
