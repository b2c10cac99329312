import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import type { DiagramCacheInfo } from '../mermaid/diagram-cache-info.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';

/**
 * Renders the case page with empty sections. The page's module fills them from the API: summary,
 * diagram with the path highlighted, actions as forms generated from the event schemas, history with the
 * inspector's microsteps, the agency exchange, linked cases, and a step control that shows the case as of
 * event N. A server-sent event stream keeps them current.
 */
export function CasePage(props: { frame: PageFrame; caseId: string; diagramCache: DiagramCacheInfo }) {
  const t = (key: MessageKey, params?: Record<string, string>) => translate(props.frame.language, key, params);
  const isAuditor = props.frame.principal?.role === 'auditor';
  const id = encodeURIComponent(props.caseId);
  return (
    <Layout
      frame={props.frame}
      title={t('case.title', { id: props.caseId })}
      script="case"
      modulePreloads={['schema-form', 'process-diagram']}
      fetchPreloads={[`/api/cases/${id}`, `/api/cases/${id}/history`]}
      data={{ caseId: props.caseId, diagramCache: props.diagramCache }}
    >
      <p id="live-status" class="live" aria-live="polite"></p>
      <dl id="case-summary" class="summary">
        <dt>{t('common.loading')}</dt>
      </dl>
      <p id="case-warning" class="warning" role="status" hidden></p>
      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">{t('case.allowedEvents')}</h2>
        <p id="action-result" role="status" aria-live="polite"></p>
        <div id="actions"></div>
      </section>
      <section aria-labelledby="diagram-heading">
        <h2 id="diagram-heading">{t('case.diagram')}</h2>
        <div class="step-control">
          <label for="step">{t('case.stepLabel')}</label>
          <input id="step" type="range" min="1" max="1" value="1" />
          <output id="step-output" for="step"></output>
        </div>
        <div id="diagram" class="diagram"></div>
      </section>
      <section aria-labelledby="exchange-heading">
        <h2 id="exchange-heading">{t('case.exchange')}</h2>
        <div id="exchange" class="diagram"></div>
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('case.history')}</h2>
        <table id="history" class="grid">
          <thead>
            <tr>
              <th scope="col">{t('history.seq')}</th>
              <th scope="col">{t('history.event')}</th>
              <th scope="col">{t('history.actor')}</th>
              <th scope="col">{t('history.party')}</th>
              <th scope="col">{t('history.channel')}</th>
              <th scope="col">{t('history.occurredAt')}</th>
              <th scope="col">{t('history.businessDate')}</th>
              <th scope="col">{t('history.from')}</th>
              <th scope="col">{t('history.to')}</th>
              <th scope="col">{t('history.data')}</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
      </section>
      <section aria-labelledby="inspector-heading">
        <h2 id="inspector-heading">{t('case.inspector')}</h2>
        <p class="hint">{t('case.inspector.hint')}</p>
        <ol id="inspector" class="inspector"></ol>
      </section>
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">{t('case.links')}</h2>
        <ul id="links"></ul>
      </section>
      {isAuditor ? (
        <section aria-labelledby="audit-heading">
          <h2 id="audit-heading">{t('case.exports')}</h2>
          <button type="button" id="verify-case">{t('case.verify')}</button>
          <p id="verify-result" role="status" aria-live="polite"></p>
          <ul class="exports">
            <li><a id="export-json" href={`/api/audit/cases/${id}/export?format=json`} download>{t('case.export.json')}</a></li>
            <li><a id="export-csv" href={`/api/audit/cases/${id}/export?format=csv`} download>{t('case.export.csv')}</a></li>
            <li><a id="export-mermaid" href={`/api/cases/${id}/diagram.mmd`} download={`${props.caseId}.mmd`}>{t('case.export.mermaid')}</a></li>
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
