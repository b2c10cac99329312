// Trainer mode: plays a scripted scenario step by step in a fresh sandbox through the API. Going back
// replays the earlier steps into a new sandbox, because a case history is append-only. Each new sandbox
// replaces the page's previous one, which the server deletes with its cases, so replays leave none behind.
import { api, el, errorMessage, fieldLabel, formatDate, formatFeePeriod, localized, page, renderMermaid, setFieldError, t } from './common.js';

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
/** Key of the case that scenario steps without `caseKey` act on. */
const MAIN_CASE = 'main';

/** The insurances in the order the months table lists them. */
const INSURANCES = ['pension', 'unemployment', 'workInjury', 'medical'];

// `cases` maps each scenario case key to its case id; `caseId` is the case of the latest step, shown beside the narration.
const session = { scenario: null, sandboxId: null, cases: {}, caseId: null, position: 0, outcomes: [] };

function currentScenario() {
  return scenarios.find((scenario) => scenario.id === select.value) ?? scenarios[0];
}

async function openSandbox(scenario) {
  const json = { name: localized(scenario.title).slice(0, 100), simulatedDate: scenario.startDate };
  if (session.sandboxId) json.replacesSandboxId = session.sandboxId;
  let response = await api('/api/sandboxes', { method: 'POST', json });
  // The previous sandbox is gone already (another tab replaced it), so there is nothing left to delete.
  if (response.status === 404 && response.body?.error?.code === 'SANDBOX_NOT_FOUND' && json.replacesSandboxId) {
    delete json.replacesSandboxId;
    response = await api('/api/sandboxes', { method: 'POST', json });
  }
  if (!response.ok) throw new Error(errorMessage(response.body));
  session.sandboxId = response.body.id;
  session.cases = {};
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
    if (response.ok) {
      session.cases[step.caseKey ?? MAIN_CASE] = response.body.id;
      session.caseId = response.body.id;
    }
    return { ok: response.ok, message: response.ok ? localized(response.body.stateTitle) : errorMessage(response.body) };
  }
  // The sandbox's timers may have moved the case since the last step, so the version is read fresh.
  const caseId = session.cases[step.caseKey ?? MAIN_CASE];
  session.caseId = caseId;
  const current = await api(`/api/cases/${caseId}`);
  const body = { type: step.type, data: step.data ?? {}, expectedVersion: current.body.version };
  if (step.channel) body.channel = step.channel;
  const response = await api(`/api/cases/${caseId}/events`, { method: 'POST', json: body });
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
  if (!session.caseId) {
    renderScenarioCases([]);
    return;
  }
  link.href = `/cases/${session.caseId}`;
  const caseIds = Object.values(session.cases);
  const [views, diagram] = await Promise.all([
    Promise.all(caseIds.map((id) => api(`/api/cases/${id}`))),
    api(`/api/cases/${session.caseId}/diagram.mmd?lang=${page.language}`),
  ]);
  const caseViews = views.filter((response) => response.ok).map((response) => response.body);
  renderScenarioCases(caseViews);
  const view = caseViews.find((entry) => entry.id === session.caseId);
  if (!view) return;
  const summary = document.getElementById('scenario-case');
  summary.dataset.state = view.state.join(' ');
  summary.replaceChildren(
    el('dt', {}, t('case.process')), el('dd', {}, localized(view.processTitle)),
    el('dt', {}, t('case.employer')), el('dd', {}, view.employerCode),
    el('dt', {}, t('case.state')), el('dd', { id: 'scenario-state' }, localized(view.stateTitle)),
    el('dt', {}, t('case.feePeriod')), el('dd', {}, formatFeePeriod(view.feePeriodFrom)),
  );
  if (diagram.ok) await renderMermaid(document.getElementById('scenario-diagram'), diagram.body, [localized(view.stateTitle)]);
}

/**
 * Collects the months per insurance that the scenario's cases computed, one column per employer and kind.
 * The columns are the stop months of a termination, the start months it computed for the new employer,
 * and the start months of an addition once hr has registered it.
 */
function monthColumns(views) {
  const columns = [];
  for (const view of views) {
    const context = view.context ?? {};
    if (context.months?.stopMonths) {
      columns.push({ employer: view.employerCode, kind: 'stop', months: context.months.stopMonths });
    }
    if (context.months?.newEmployerStartMonths && context.newEmployerCode) {
      columns.push({ employer: context.newEmployerCode, kind: 'start', months: context.months.newEmployerStartMonths, registered: false });
    }
    if (context.startMonths && Object.keys(context.startMonths).length > 0) {
      columns.push({ employer: view.employerCode, kind: 'start', months: context.startMonths, registered: true });
    }
  }
  // Once hr has registered an addition, its start months replace those a termination computed in advance.
  const registered = new Set(columns.filter((column) => column.registered).map((column) => column.employer));
  return columns.filter((column) => column.registered !== false || !registered.has(column.employer));
}

/** Lists every case of the scenario and, where they computed them, the months per insurance of each employer. */
function renderScenarioCases(views) {
  const list = document.getElementById('scenario-cases');
  list.replaceChildren(
    ...views.map((view) =>
      el(
        'li',
        { 'data-case': view.id, 'data-employer': view.employerCode, 'data-state': view.state.join(' ') },
        el('a', { href: `/cases/${view.id}` }, localized(view.processTitle)),
        ` · ${view.employerCode} · ${localized(view.stateTitle)}`,
      ),
    ),
  );
  list.hidden = views.length < 2;

  const columns = monthColumns(views);
  const table = document.getElementById('scenario-months');
  table.hidden = columns.length === 0;
  table.querySelector('thead').replaceChildren(
    el('tr', {}, el('th', { scope: 'col' }, t('training.months.insurance')), columns.map((column) => el('th', { scope: 'col', 'data-employer': column.employer, 'data-kind': column.kind }, t(`training.months.${column.kind}`, { employer: column.employer })))),
  );
  table.querySelector('tbody').replaceChildren(
    ...INSURANCES.filter((insurance) => columns.some((column) => column.months[insurance])).map((insurance) =>
      el('tr', { 'data-insurance': insurance }, el('th', { scope: 'row' }, fieldLabel(insurance)), columns.map((column) => el('td', {}, column.months[insurance] ? formatFeePeriod(column.months[insurance]) : '—'))),
    ),
  );
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
