// The case page: summary, actions generated from the event schemas, diagram with the path highlighted,
// step control, agency exchange, history, inspector and linked cases, kept current by server-sent events.
import {
  api, el, errorMessage, fieldLabel, formatDate, formatFeePeriod, formatInstant, formatValue, loadMermaid, localized, page, partyName, renderMermaid, t,
} from './common.js';
import { caseHighlight, highlightDrawing, openDatabase, placeProcessDiagram, processDiagramKey, readStoredDrawing } from './process-diagram.js';
import { buildSchemaFields } from './schema-form.js';

const caseId = page.caseId;
const base = `/api/cases/${encodeURIComponent(caseId)}`;
/** `drawing` is the process diagram in the page and the store key it was placed for. */
const state = { view: null, process: null, history: [], step: null, drawing: null };

/**
 * How long the look-up of a stored process drawing may take before Mermaid's files and the diagram text
 * are loaded anyway. Loading Mermaid too early delays a stored drawing, because evaluating Mermaid's
 * modules blocks the main thread. Measured with Debian's Chromium on a loaded 2-core machine, look-ups
 * in a used profile took 2–120 ms and the first open of the store in a new profile about 200 ms.
 */
const MERMAID_PRELOAD_AFTER_MS = 150;

const stepInput = document.getElementById('step');
const stepOutput = document.getElementById('step-output');

/**
 * Reads the case and its history and redraws every section. The process definition and the stored
 * process drawing are requested as soon as the case names its process, while the history still loads.
 * The history shows before the diagram is drawn, and the inspector and the exchange diagram follow it.
 */
async function load() {
  const historyRequest = api(`${base}/history`);
  const caseResponse = await api(base);
  if (!caseResponse.ok) {
    document.getElementById('case-summary').replaceChildren(el('dd', { class: 'form-error', role: 'alert' }, errorMessage(caseResponse.body)));
    return;
  }
  const view = caseResponse.body;
  const processRequest = state.process ? null : api(`/api/processes/${encodeURIComponent(view.processId)}`);
  const drawingKey = processDiagramKey(view.processId, view.processVersion);
  const needsDrawing = !state.drawing || state.drawing.key !== drawingKey || !state.drawing.svg.isConnected;
  const storedDrawing = needsDrawing ? readStoredDrawing(drawingKey) : null;
  const loadText = requestOnce(() => api(`${base}/diagram.mmd?lang=${page.language}&at=${shownStep(view)}`));
  // On a miss, Mermaid's files and the diagram text load while the history and the process definition
  // arrive. A lookup slower than MERMAID_PRELOAD_AFTER_MS, such as the first open of the store in a new
  // browser profile, starts them too.
  if (storedDrawing) {
    const slowLookup = new Promise((resolve) => setTimeout(() => resolve(null), MERMAID_PRELOAD_AFTER_MS));
    void Promise.race([storedDrawing, slowLookup]).then((stored) => {
      if (stored !== null) return;
      void loadMermaid().catch(() => {});
      void loadText();
    });
  }

  const historyResponse = await historyRequest;
  state.view = view;
  state.history = historyResponse.ok ? historyResponse.body.events : [];
  if (processRequest) {
    const processResponse = await processRequest;
    state.process = processResponse.ok ? processResponse.body : { events: [], states: [] };
  }
  renderSummary();
  renderActions();
  renderHistory();
  renderLinks();
  updateStepControl();
  const diagramShown = needsDrawing ? placeStateDiagram(drawingKey, storedDrawing, loadText) : Promise.resolve(highlightStateDiagram());

  // The inspector and the exchange diagram wait for the look-up of the stored drawing (not for a drawing
  // by Mermaid) and then for the next task, so that the browser can paint the rest first.
  await storedDrawing;
  await new Promise((resolve) => setTimeout(resolve, 0));
  renderInspector();
  await diagramShown;
  await renderExchange();
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

/** Returns a function that calls `request` on its first call and returns that first call's promise on every call. */
function requestOnce(request) {
  let pending = null;
  return () => {
    pending ??= request();
    return pending;
  };
}

/** Returns the event the diagrams show: the step control's, or the newest of `view`. */
function shownStep(view = state.view) {
  const total = view.version;
  return state.step !== null && state.step < total ? state.step : total;
}

/** Returns the history events up to the shown step. */
function shownHistory() {
  return state.history.slice(0, shownStep());
}

/**
 * Puts the process diagram into the page, from the browser's store or drawn from the case's diagram
 * text, and highlights it as of the shown step. Mermaid is loaded only when the diagram must be drawn.
 */
async function placeStateDiagram(drawingKey, storedDrawing, loadText) {
  const container = document.getElementById('diagram');
  const history = shownHistory();
  const current = history.at(-1)?.stateAfter ?? [];
  const visited = [...new Set(history.flatMap((entry) => entry.stateAfter ?? []))];
  const svg = await placeProcessDiagram(container, {
    processId: state.view.processId,
    processVersion: state.view.processVersion,
    storedDrawing,
    loadText,
    fallbackItems: visited.map((path) => `${current.includes(path) ? '■' : '✓'} ${stateTitle(path)}`),
  });
  state.drawing = svg ? { key: drawingKey, svg } : null;
  highlightStateDiagram();
}

/** Moves the highlight classes of the drawn process diagram to the shown step, without drawing again. */
function highlightStateDiagram() {
  if (state.drawing) highlightDrawing(state.drawing.svg, caseHighlight(shownHistory()));
}

/** Draws the agency exchange as of the shown step. */
async function renderExchange() {
  const at = shownStep();
  const exchange = await api(`${base}/sequence.mmd?lang=${page.language}&at=${at}`);
  if (!exchange.ok || at !== shownStep()) return;
  const history = state.history.slice(0, at);
  await renderMermaid(document.getElementById('exchange'), exchange.body, history.map((entry) => `${partyName(entry.actor.party)}：${eventTitle(entry.type)}`));
}

/** Shows both diagrams as of the step control's event. */
async function showStep() {
  if (state.drawing?.svg.isConnected) highlightStateDiagram();
  else await placeStateDiagram(processDiagramKey(state.view.processId, state.view.processVersion), null, () => api(`${base}/diagram.mmd?lang=${page.language}&at=${shownStep()}`));
  await renderExchange();
}

stepInput.addEventListener('input', () => {
  state.step = Number(stepInput.value);
  stepOutput.textContent = t('case.step', { n: stepInput.value, total: state.view?.version ?? 1 });
});
stepInput.addEventListener('change', () => {
  state.step = Number(stepInput.value) >= (state.view?.version ?? 0) ? null : Number(stepInput.value);
  if (state.view) void showStep();
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

// The drawing store opens while the case is requested.
void openDatabase();
await load();
followChanges();
