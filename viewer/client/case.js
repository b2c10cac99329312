// The case page: summary, actions generated from the event schemas, diagram with the path highlighted,
// step control, agency exchange, history, inspector and linked cases, kept current by server-sent events.
import {
  api, el, errorMessage, fieldLabel, formatDate, formatFeePeriod, formatInstant, formatValue, loadMermaid, localized, page, partyName, renderMermaid, t,
} from './common.js';
import { buildSchemaFields } from './schema-form.js';

const caseId = page.caseId;
const base = `/api/cases/${encodeURIComponent(caseId)}`;
const state = { view: null, process: null, history: [], step: null };

const stepInput = document.getElementById('step');
const stepOutput = document.getElementById('step-output');

/** Reads the case and its history and redraws every section; the diagrams follow the step control. */
async function load() {
  const [caseResponse, historyResponse] = await Promise.all([api(base), api(`${base}/history`)]);
  if (!caseResponse.ok) {
    document.getElementById('case-summary').replaceChildren(el('dd', { class: 'form-error', role: 'alert' }, errorMessage(caseResponse.body)));
    return;
  }
  state.view = caseResponse.body;
  state.history = historyResponse.ok ? historyResponse.body.events : [];
  // The diagrams are requested as of the version just read, so they match it even if an event arrives.
  const diagramTexts = requestDiagramTexts(shownStep());
  if (!state.process) {
    const processResponse = await api(`/api/processes/${encodeURIComponent(state.view.processId)}`);
    state.process = processResponse.ok ? processResponse.body : { events: [], states: [] };
  }
  renderSummary();
  renderActions();
  renderHistory();
  renderInspector();
  renderLinks();
  updateStepControl();
  await renderDiagrams(diagramTexts);
}

function stateTitle(path) {
  const found = state.process?.states.find((entry) => entry.path === path);
  return found ? localized(found.title) : path;
}

function eventTitle(type) {
  const found = state.process?.events.find((entry) => entry.type === type);
  return found ? localized(found.title) : type;
}

function renderSummary() {
  const view = state.view;
  const rows = [
    [t('case.process'), localized(view.processTitle)],
    [t('case.state'), localized(view.stateTitle)],
    [t('case.status'), t(`case.status.${view.status}`)],
    [t('case.version'), String(view.version)],
    [t('case.employer'), view.employerCode],
    [t('case.feePeriod'), view.feePeriodFrom === view.feePeriodTo ? formatFeePeriod(view.feePeriodFrom) : `${formatFeePeriod(view.feePeriodFrom)} – ${formatFeePeriod(view.feePeriodTo)}`],
  ];
  if (view.sandboxId) rows.push([t('case.sandbox'), view.sandboxId]);
  document.getElementById('case-summary').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  document.getElementById('case-summary').dataset.state = view.state.join(' ');

  const warning = document.getElementById('case-warning');
  const text = localized(view.context?.warning);
  warning.hidden = !text;
  warning.textContent = text ? t('case.warning', { message: text }) : '';
}

/** Draws one form per allowed event; an event the current state blocks shows why, and can still be sent. */
function renderActions() {
  const container = document.getElementById('actions');
  const allowed = state.view.allowedEvents;
  if (allowed.length === 0) {
    container.replaceChildren(el('p', { class: 'hint' }, t('case.noActions')));
    return;
  }
  container.replaceChildren(...allowed.map(buildActionForm));
}

function buildActionForm(allowedEvent) {
  const definition = state.process.events.find((entry) => entry.type === allowedEvent.type);
  const form = el('form', { class: 'action card', 'data-event': allowedEvent.type, novalidate: true });
  const heading = el('h3', {}, localized(allowedEvent.title), ' ', el('small', {}, allowedEvent.parties.map(partyName).join('、')));
  const fields = el('div', { class: 'fields' });
  const formError = el('p', { class: 'form-error', role: 'alert', id: `error-${allowedEvent.type}` });
  form.append(heading);
  if (!allowedEvent.available && allowedEvent.blockedBy) {
    form.append(el('p', { class: 'blocked' }, t('case.blocked', { message: localized(allowedEvent.blockedBy.message) })));
  }
  form.append(fields);
  const reader = buildSchemaFields(fields, definition?.schema, `event-${allowedEvent.type}`);

  let channelSelect = null;
  if (allowedEvent.channels && allowedEvent.channels.length > 0) {
    const id = `channel-${allowedEvent.type}`;
    const isEmployer = page.user?.role === 'employer';
    channelSelect = el(
      'select',
      { id, name: 'channel' },
      isEmployer ? null : el('option', { value: '' }, t('common.select')),
      allowedEvent.channels.map((channel) => el('option', { value: channel }, channel)),
    );
    form.append(el('div', { class: 'field' }, el('label', { for: id }, t('case.channel')), channelSelect));
  }
  form.append(formError, el('button', { type: 'submit' }, localized(allowedEvent.title)));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.textContent = '';
    reader.clearIssues();
    const data = reader.read();
    if (data === null) return;
    const warning = localized(state.view.context?.warning);
    if (allowedEvent.type === 'CONFIRM_WARNING' && warning && !window.confirm(t('case.confirmWarning', { message: warning }))) return;

    const body = { type: allowedEvent.type, data, expectedVersion: state.view.version };
    if (channelSelect?.value) body.channel = channelSelect.value;
    const response = await api(`${base}/events`, { method: 'POST', json: body });
    if (!response.ok) {
      showRejection(response.body, reader, formError);
      return;
    }
    document.getElementById('action-result').textContent = t('case.accepted', { event: localized(allowedEvent.title), state: localized(response.body.stateTitle ?? response.body.case?.stateTitle) });
    await load();
  });
  return form;
}

/** Puts each schema issue under its field and the message itself under the form. */
function showRejection(body, reader, formError) {
  for (const issue of body?.error?.details?.issues ?? []) reader.showIssue(issue.path, localized(issue.message));
  formError.textContent = t('case.rejected', { message: errorMessage(body) });
}

function renderHistory() {
  const rows = state.history.map((entry) =>
    el(
      'tr',
      { 'data-seq': entry.seq },
      el('td', {}, String(entry.seq)),
      el('td', {}, eventTitle(entry.type), el('br'), el('code', {}, entry.type)),
      el('td', {}, entry.actor.id),
      el('td', {}, partyName(entry.actor.party)),
      el('td', {}, entry.channel),
      el('td', {}, formatInstant(entry.occurredAt)),
      el('td', {}, formatDate(entry.businessDate)),
      el('td', {}, (entry.stateBefore ?? []).map(stateTitle).join('、') || '—'),
      el('td', {}, (entry.stateAfter ?? []).map(stateTitle).join('、')),
      el('td', { class: 'data' }, formatData(entry.data)),
    ),
  );
  document.querySelector('#history tbody').replaceChildren(...rows);
}

function formatData(data) {
  if (!data || typeof data !== 'object' || Object.keys(data).length === 0) return '—';
  return Object.entries(data).map(([name, value]) => `${fieldLabel(name)}：${formatValue(name, value)}`).join('；');
}

/** Lists each event's microsteps, marking automatic (eventless) transitions, and the state it ended in. */
function renderInspector() {
  const items = state.history.map((entry) => {
    const microsteps = (entry.inspection?.microsteps ?? []).filter((step) => step.eventType !== 'xstate.stop');
    return el(
      'li',
      { 'data-seq': entry.seq, class: 'inspected-event' },
      el('strong', {}, `#${entry.seq} ${eventTitle(entry.type)}`),
      el(
        'ol',
        { class: 'microsteps' },
        microsteps.map((step, index) =>
          el(
            'li',
            { class: 'microstep' },
            t('case.inspector.microstep', { n: index + 1, event: step.eventType }),
            step.transitions.length === 0
              ? el('span', { class: 'hint' }, ` ${t('case.inspector.none')}`)
              : el(
                  'ul',
                  {},
                  step.transitions.map((transition) =>
                    el(
                      'li',
                      { class: transition.automatic ? 'transition automatic' : 'transition' },
                      `${stateTitle(transition.source)} → ${transition.targets.map(stateTitle).join('、')} `,
                      el('em', {}, transition.automatic ? t('case.inspector.automatic') : t('case.inspector.explicit')),
                    ),
                  ),
                ),
          ),
        ),
      ),
      el('p', { class: 'result' }, t('case.inspector.result', { state: (entry.stateAfter ?? []).map(stateTitle).join('、') })),
    );
  });
  document.getElementById('inspector').replaceChildren(...items);
}

function renderLinks() {
  const links = state.view.links;
  const list = document.getElementById('links');
  if (links.length === 0) {
    list.replaceChildren(el('li', { class: 'hint' }, t('case.noLinks')));
    return;
  }
  list.replaceChildren(...links.map((link) => el('li', {}, el('a', { href: `/cases/${encodeURIComponent(link.caseId)}` }, link.caseId), ` ${link.relation} (${link.direction})`)));
}

function updateStepControl() {
  const total = state.view.version;
  stepInput.max = String(total);
  if (state.step === null || state.step > total) stepInput.value = String(total);
  stepOutput.textContent = t('case.step', { n: stepInput.value, total });
}

/** Returns the event the diagrams show: the step control's, or the newest. */
function shownStep() {
  const total = state.view.version;
  return state.step !== null && state.step < total ? state.step : total;
}

/** Requests the case diagram and the exchange diagram as of event `at`. */
function requestDiagramTexts(at) {
  const query = `lang=${page.language}&at=${at}`;
  return Promise.all([api(`${base}/diagram.mmd?${query}`), api(`${base}/sequence.mmd?${query}`)]);
}

/** Draws the diagrams as of the shown step; `diagramTexts` are its requests when already under way. */
async function renderDiagrams(diagramTexts = requestDiagramTexts(shownStep())) {
  const total = state.view.version;
  const [diagram, exchange] = await diagramTexts;
  const shownHistory = state.history.slice(0, state.step ?? total);
  const visited = [...new Set(shownHistory.flatMap((entry) => entry.stateAfter ?? []))];
  const current = shownHistory.at(-1)?.stateAfter ?? [];
  const fallbackItems = visited.map((path) => `${current.includes(path) ? '■' : '✓'} ${stateTitle(path)}`);
  if (diagram.ok) await renderMermaid(document.getElementById('diagram'), diagram.body, fallbackItems);
  if (exchange.ok) await renderMermaid(document.getElementById('exchange'), exchange.body, shownHistory.map((entry) => `${partyName(entry.actor.party)}：${eventTitle(entry.type)}`));
}

stepInput.addEventListener('input', () => {
  state.step = Number(stepInput.value);
  stepOutput.textContent = t('case.step', { n: stepInput.value, total: state.view?.version ?? 1 });
});
stepInput.addEventListener('change', () => {
  state.step = Number(stepInput.value) >= (state.view?.version ?? 0) ? null : Number(stepInput.value);
  void renderDiagrams();
});

document.getElementById('verify-case')?.addEventListener('click', async () => {
  const response = await api(`${base}/verify`);
  const result = document.getElementById('verify-result');
  if (!response.ok) result.textContent = t('error.generic', { message: errorMessage(response.body) });
  else if (response.body.intact) result.textContent = t('audit.intact', { count: response.body.eventCount });
  else result.textContent = t('audit.broken', { seq: response.body.firstBrokenSeq ?? response.body.brokenAt?.seq ?? '?' });
  result.dataset.intact = String(Boolean(response.body?.intact));
});

/** Follows the case's server-sent events and reloads on every change; EventSource reconnects by itself. */
function followChanges() {
  const status = document.getElementById('live-status');
  const source = new EventSource(`${base}/events/stream`);
  source.addEventListener('case', () => {
    status.textContent = t('case.live');
    status.dataset.connected = 'true';
  });
  source.addEventListener('case-changed', async (message) => {
    const change = JSON.parse(message.data);
    if (state.view && change.version !== undefined && change.version <= state.view.version) return;
    await load();
    status.textContent = t('case.updated', { version: state.view.version });
  });
  source.addEventListener('error', () => {
    status.textContent = t('case.liveLost');
    status.dataset.connected = 'false';
  });
}

// Mermaid's files load while the first API requests run; a failed load shows in renderMermaid's fallback.
void loadMermaid().catch(() => {});
await load();
followChanges();
