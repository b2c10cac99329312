// The auditor's page: verify one case or every chain, export links, and the personal-data access log.
import { api, el, errorMessage, formatInstant, setFieldError, t } from './common.js';

const caseForm = document.getElementById('audit-case-form');
const caseInput = document.getElementById('audit-case-id');

caseForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const caseId = caseInput.value.trim();
  setFieldError(caseInput, caseId ? '' : t('case.field.required'));
  if (!caseId) return;
  const id = encodeURIComponent(caseId);
  const response = await api(`/api/cases/${id}/verify`);
  const result = document.getElementById('audit-case-result');
  const exports = document.getElementById('audit-case-exports');
  if (!response.ok) {
    setFieldError(caseInput, errorMessage(response.body));
    result.textContent = '';
    exports.replaceChildren();
    return;
  }
  result.textContent = response.body.intact ? t('audit.intact', { count: response.body.eventCount }) : t('audit.broken', { seq: response.body.firstBrokenSeq ?? '?' });
  exports.replaceChildren(
    el('li', {}, el('a', { href: `/cases/${id}` }, caseId)),
    el('li', {}, el('a', { href: `/api/audit/cases/${id}/export?format=json`, download: true }, t('case.export.json'))),
    el('li', {}, el('a', { href: `/api/audit/cases/${id}/export?format=csv`, download: true }, t('case.export.csv'))),
    el('li', {}, el('a', { href: `/api/cases/${id}/diagram.mmd`, download: `${caseId}.mmd` }, t('case.export.mermaid'))),
  );
});

document.getElementById('verify-all').addEventListener('click', async () => {
  const response = await api('/api/audit/verify');
  const result = document.getElementById('verify-all-result');
  if (!response.ok) {
    result.textContent = t('error.generic', { message: errorMessage(response.body) });
    return;
  }
  const count = response.body.checkedCases;
  result.textContent = response.body.intact ? t('audit.allIntact', { count }) : t('audit.someBroken', { broken: response.body.brokenChains.length, count });
});

const log = await api('/api/audit/access-log?limit=100');
const tbody = document.querySelector('#access-log tbody');
if (!log.ok || log.body.items.length === 0) {
  tbody.replaceChildren(el('tr', {}, el('td', { colspan: 4 }, log.ok ? t('audit.empty') : errorMessage(log.body))));
} else {
  tbody.replaceChildren(
    ...log.body.items.map((entry) =>
      el('tr', {}, el('td', {}, formatInstant(entry.occurredAt)), el('td', {}, entry.user.username), el('td', {}, el('a', { href: `/cases/${encodeURIComponent(entry.caseId)}` }, entry.caseId)), el('td', {}, entry.route)),
    ),
  );
}
