// The new-case wizard: a form generated from the process's input schema, posted to POST /api/cases.
import { api, errorMessage, page, t } from './common.js';
import { buildSchemaFields } from './schema-form.js';

const form = document.getElementById('new-case-form');
const formError = document.getElementById('new-case-error');
const response = await api(`/api/processes/${encodeURIComponent(page.processId)}`);
const reader = buildSchemaFields(document.getElementById('new-case-fields'), response.body.inputSchema, 'input');

// Employer staff act for their own employer only, so its code is filled in for them.
const employerInput = form.querySelector('[data-path="employerCode"]');
if (employerInput && page.user?.employerCode) employerInput.value = page.user.employerCode;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  formError.textContent = '';
  reader.clearIssues();
  const input = reader.read();
  if (input === null) return;
  const created = await api('/api/cases', { method: 'POST', json: { processId: page.processId, input } });
  if (!created.ok) {
    for (const issue of created.body?.error?.details?.issues ?? []) reader.showIssue(issue.path.replace(/^input\./, ''), issue.message?.[page.language] ?? '');
    formError.textContent = t('case.rejected', { message: errorMessage(created.body) });
    return;
  }
  formError.textContent = t('newCase.created');
  location.assign(`/cases/${encodeURIComponent(created.body.id)}`);
});
