// Trainer mode: plays a scripted scenario step by step in a fresh sandbox through the API. Going back
// replays the earlier steps into a new sandbox, because a case history is append-only.
import { api, el, errorMessage, formatDate, formatFeePeriod, localized, page, renderMermaid, setFieldError, t } from './common.js';

const scenarios = page.scenarios;
const select = document.getElementById('scenario');
const buttons = {
  start: document.getElementById('scenario-start'),
  back: document.getElementById('scenario-back'),
  forward: document.getElementById('scenario-forward'),
  reset: document.getElementById('scenario-reset'),
};
const dateInput = document.getElementById('sandbox-date');
const dateSubmit = document.getElementById('sandbox-date-submit');
const session = { scenario: null, sandboxId: null, caseId: null, position: 0, outcomes: [] };

function currentScenario() {
  return scenarios.find((scenario) => scenario.id === select.value) ?? scenarios[0];
}

async function openSandbox(scenario) {
  const response = await api('/api/sandboxes', { method: 'POST', json: { name: localized(scenario.title).slice(0, 100), simulatedDate: scenario.startDate } });
  if (!response.ok) throw new Error(errorMessage(response.body));
  session.sandboxId = response.body.id;
  session.caseId = null;
  dateInput.value = scenario.startDate;
}

/** Runs one step; resolves to `{ ok, message }`, where a rejection the script expects counts as ok. */
async function runStep(step) {
  if (step.kind === 'date') {
    const response = await api(`/api/sandboxes/${session.sandboxId}/date`, { method: 'PUT', json: { date: step.date } });
    if (response.ok) dateInput.value = step.date;
    return { ok: response.ok, message: response.ok ? t('training.dateSet', { date: formatDate(step.date) }) : errorMessage(response.body) };
  }
  if (step.kind === 'open') {
    const response = await api('/api/cases', { method: 'POST', json: { processId: step.processId, input: step.input, sandboxId: session.sandboxId } });
    if (response.ok) session.caseId = response.body.id;
    return { ok: response.ok, message: response.ok ? localized(response.body.stateTitle) : errorMessage(response.body) };
  }
  // The sandbox's timers may have moved the case since the last step, so the version is read fresh.
  const current = await api(`/api/cases/${session.caseId}`);
  const body = { type: step.type, data: step.data ?? {}, expectedVersion: current.body.version };
  if (step.channel) body.channel = step.channel;
  const response = await api(`/api/cases/${session.caseId}/events`, { method: 'POST', json: body });
  if (response.ok) return { ok: true, message: t('case.accepted', { event: step.type, state: localized(response.body.stateTitle) }) };
  return { ok: Boolean(step.expectRejection), rejected: true, message: t('case.rejected', { message: errorMessage(response.body) }) };
}

async function forward() {
  const scenario = session.scenario;
  if (session.position >= scenario.steps.length) return;
  const step = scenario.steps[session.position];
  const outcome = await runStep(step);
  session.outcomes[session.position] = outcome;
  session.position += 1;
  await render();
}

async function start() {
  session.scenario = currentScenario();
  session.position = 0;
  session.outcomes = [];
  await openSandbox(session.scenario);
  await forward();
}

/** Replays all steps but the last into a new sandbox. */
async function back() {
  const target = session.position - 1;
  if (target < 1) return start();
  await openSandbox(session.scenario);
  session.position = 0;
  session.outcomes = [];
  for (let index = 0; index < target; index += 1) {
    session.outcomes[index] = await runStep(session.scenario.steps[index]);
    session.position += 1;
  }
  await render();
}

async function render() {
  const scenario = session.scenario;
  const total = scenario.steps.length;
  document.getElementById('scenario-progress').textContent = t('training.stepOf', { n: session.position, total });
  document.getElementById('narration').replaceChildren(
    ...scenario.steps.slice(0, session.position).map((step, index) => {
      const outcome = session.outcomes[index];
      const current = index === session.position - 1;
      return el(
        'li',
        { class: current ? 'current-step' : null, 'aria-current': current ? 'step' : null, 'data-step': index + 1 },
        el('p', {}, localized(step.narration)),
        outcome ? el('p', { class: outcome.rejected ? 'form-error' : outcome.ok ? 'outcome' : 'form-error' }, outcome.message) : null,
      );
    }),
  );
  document.getElementById('scenario-outcome').textContent = session.position >= total ? t('training.done') : '';
  buttons.back.disabled = session.position <= 1;
  buttons.forward.disabled = session.position >= total;
  buttons.reset.disabled = false;
  dateInput.disabled = false;
  dateSubmit.disabled = false;
  await renderCase();
}

async function renderCase() {
  const link = document.getElementById('scenario-case-link');
  link.hidden = !session.caseId;
  if (!session.caseId) return;
  link.href = `/cases/${session.caseId}`;
  const [view, diagram] = await Promise.all([api(`/api/cases/${session.caseId}`), api(`/api/cases/${session.caseId}/diagram.mmd?lang=${page.language}`)]);
  if (!view.ok) return;
  const summary = document.getElementById('scenario-case');
  summary.dataset.state = view.body.state.join(' ');
  summary.replaceChildren(
    el('dt', {}, t('case.process')), el('dd', {}, localized(view.body.processTitle)),
    el('dt', {}, t('case.state')), el('dd', { id: 'scenario-state' }, localized(view.body.stateTitle)),
    el('dt', {}, t('case.feePeriod')), el('dd', {}, formatFeePeriod(view.body.feePeriodFrom)),
  );
  if (diagram.ok) await renderMermaid(document.getElementById('scenario-diagram'), diagram.body, [localized(view.body.stateTitle)]);
}

function guard(action) {
  return async () => {
    for (const button of Object.values(buttons)) button.disabled = true;
    try {
      await action();
    } catch (error) {
      document.getElementById('scenario-outcome').textContent = t('error.generic', { message: error instanceof Error ? error.message : String(error) });
    } finally {
      buttons.start.disabled = false;
      if (session.scenario) {
        buttons.back.disabled = session.position <= 1;
        buttons.forward.disabled = session.position >= session.scenario.steps.length;
        buttons.reset.disabled = false;
      }
    }
  };
}

buttons.start.addEventListener('click', guard(start));
buttons.forward.addEventListener('click', guard(forward));
buttons.back.addEventListener('click', guard(back));
buttons.reset.addEventListener('click', guard(start));

document.getElementById('sandbox-date-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!session.sandboxId) return;
  const value = dateInput.value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    setFieldError(dateInput, t('case.field.pattern', { format: 'YYYY-MM-DD' }));
    return;
  }
  const response = await api(`/api/sandboxes/${session.sandboxId}/date`, { method: 'PUT', json: { date: value } });
  setFieldError(dateInput, response.ok ? '' : errorMessage(response.body));
  if (response.ok) {
    document.getElementById('scenario-outcome').textContent = t('training.dateSet', { date: formatDate(value) });
    await renderCase();
  }
});
