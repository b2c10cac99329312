import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';

/**
 * Renders the new-case wizard of one process: the process description beside a form that the page's
 * module generates from the input schema of GET /api/processes/:processId and posts to POST /api/cases.
 */
export function NewCasePage(props: { frame: PageFrame; definition: ProcessDefinition }) {
  const { language } = props.frame;
  const t = (key: MessageKey, params?: Record<string, string>) => translate(language, key, params);
  return (
    <Layout frame={props.frame} title={t('newCase.title', { process: props.definition.title[language] })} script="new-case" data={{ processId: props.definition.id }}>
      <div class="two-columns">
        <form id="new-case-form" class="card" novalidate>
          <div id="new-case-fields"></div>
          <p class="form-error" id="new-case-error" role="alert"></p>
          <button type="submit">{t('newCase.submit')}</button>
        </form>
        <aside class="card" aria-labelledby="description-heading">
          <h2 id="description-heading">{t('newCase.description')}</h2>
          <p>{props.definition.description[language]}</p>
        </aside>
      </div>
    </Layout>
  );
}
