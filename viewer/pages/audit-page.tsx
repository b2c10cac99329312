import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';

/**
 * Renders the auditor's page: verification of one case's hash chain or of every chain, export links, and
 * the personal-data access log, all read through the audit API.
 */
export function AuditPage(props: { frame: PageFrame }) {
  const t = (key: MessageKey) => translate(props.frame.language, key);
  return (
    <Layout frame={props.frame} title={t('audit.title')} script="audit">
      <form id="audit-case-form" class="card">
        <div class="field">
          <label for="audit-case-id">{t('audit.caseId')}</label>
          <input id="audit-case-id" name="caseId" required aria-describedby="audit-case-error" />
          <p class="field-error" id="audit-case-error" role="alert"></p>
        </div>
        <button type="submit">{t('audit.verifyCase')}</button>
        <p id="audit-case-result" role="status" aria-live="polite"></p>
        <ul id="audit-case-exports" class="exports"></ul>
      </form>
      <div class="card">
        <button type="button" id="verify-all">{t('audit.verifyAll')}</button>
        <p id="verify-all-result" role="status" aria-live="polite"></p>
        <p><a href="/api/audit/export?format=json" download>{t('audit.exportAll')}</a></p>
      </div>
      <section aria-labelledby="access-log-heading">
        <h2 id="access-log-heading">{t('audit.accessLog')}</h2>
        <table id="access-log" class="grid">
          <thead>
            <tr>
              <th scope="col">{t('audit.col.time')}</th>
              <th scope="col">{t('audit.col.user')}</th>
              <th scope="col">{t('audit.col.case')}</th>
              <th scope="col">{t('audit.col.route')}</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
      </section>
    </Layout>
  );
}
