import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import type { DiagramCacheInfo } from '../mermaid/diagram-cache-info.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';
import { BranchList } from './branch-list.js';

/**
 * Renders the process catalogue: every process with its description (which states its routing rules), its
 * events and the parties that send them, and every branch of its machine. The page's module draws each
 * process diagram from GET /api/processes/:processId/diagram.mmd, or takes it from the browser's
 * diagram store.
 */
export function CataloguePage(props: { frame: PageFrame; processes: readonly ProcessDefinition[]; diagramCache: DiagramCacheInfo }) {
  const { language } = props.frame;
  const t = (key: MessageKey) => translate(language, key);
  const canOpen = props.frame.principal?.role === 'employer' || props.frame.principal?.role === 'caseworker';
  return (
    <Layout frame={props.frame} title={t('catalogue.title')} script="catalogue" modulePreloads={['process-diagram']} data={{ diagramCache: props.diagramCache }}>
      <nav class="toc">
        <ul>
          {props.processes.map((process) => (
            <li>
              <a href={`#process-${process.id}`}>{process.title[language]}</a>
            </li>
          ))}
        </ul>
      </nav>
      {props.processes.map((process) => (
        <section class="process card" id={`process-${process.id}`} aria-labelledby={`title-${process.id}`}>
          <h2 id={`title-${process.id}`}>{process.title[language]}</h2>
          <h3>{t('catalogue.routing')}</h3>
          <p>{process.description[language]}</p>
          {canOpen ? <p><a href={`/new/${process.id}`}>{t('catalogue.open')}</a></p> : null}
          <div class="diagram" data-process-diagram={process.id}></div>
          <h3>{t('catalogue.events')}</h3>
          <ul>
            {Object.entries(process.events).map(([type, event]) => (
              <li>
                {event.title[language]} <code>{type}</code>：{event.parties.map((party) => t(`party.${party}` as MessageKey)).join('、')}
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('catalogue.branches')}</summary>
            <BranchList definition={process} language={language} />
          </details>
        </section>
      ))}
    </Layout>
  );
}
