// The worklist: active cases the user can act on, overdue first, with the deadline and the working days
// left by the engine's holiday calendar (sent by the server as the list of working days).
import { api, el, errorMessage, formatDate, formatFeePeriod, localized, page, setFieldError, t } from './common.js';
import { findCaseDeadline } from './deadlines.js';
import { latestProcessVersion, warmProcessDiagrams } from './process-diagram.js';

const PAGE_LIMIT = 200;
const workingDays = new Set(page.workingDays);
const today = page.today;
const user = page.user;

const hint = document.getElementById('worklist-hint');
if (user?.role === 'employer') hint.textContent = t('worklist.hint.employer', { code: user.employerCode });
else if (user?.role === 'caseworker') hint.textContent = t('worklist.hint.caseworker', { agency: t(`party.${user.agency}`) });
else hint.textContent = t('worklist.hint.other');

const form = document.getElementById('worklist-filters');
const feePeriodInput = document.getElementById('filter-fee-period');

/** Counts working days after today up to and including the deadline; negative once it has passed; null off the calendar. */
function workingDaysLeft(deadline) {
  if (!workingDays.size) return null;
  const step = deadline >= today ? 1 : -1;
  let count = 0;
  let day = today;
  for (let guard = 0; guard < 800 && day !== deadline; guard += 1) {
    day = new Date(Date.parse(`${day}T00:00:00Z`) + step * 86_400_000).toISOString().slice(0, 10);
    if (!page.workingDays.length || day < page.workingDays[0] || day > page.workingDays.at(-1)) return null;
    if (workingDays.has(day)) count += step;
  }
  return count;
}

/**
 * Returns whether a case belongs on the user's worklist. Employer staff see every active case of their employer
 * (the API lists no other), and caseworkers the cases with an event their agency sends. Events of the
 * employer count for caseworkers too, because they may send them at their agency's window.
 */
function canAct(view) {
  if (!user || user.role !== 'caseworker') return true;
  return view.allowedEvents.some((event) => event.parties.includes(user.agency));
}

/**
 * Draws the process diagrams of the listed cases into the browser's store in idle time, in list order,
 * so that the case pages opened from the list show their diagram without laying it out. The latest
 * version of a process is read from the process catalogue, an older one from one of its cases. Sets
 * `data-diagrams-warmed` on the table when done.
 */
async function warmListedDiagrams(views) {
  const processes = new Map();
  for (const view of views) {
    const id = `${view.processId}@${view.processVersion}`;
    if (processes.has(id)) continue;
    const textPath = view.processVersion === latestProcessVersion(view.processId)
      ? `/api/processes/${encodeURIComponent(view.processId)}/diagram.mmd?lang=${page.language}`
      : `/api/cases/${encodeURIComponent(view.id)}/diagram.mmd?lang=${page.language}`;
    processes.set(id, { processId: view.processId, processVersion: view.processVersion, textPath });
  }
  const drawn = await warmProcessDiagrams([...processes.values()]);
  document.getElementById('worklist').dataset.diagramsWarmed = String(drawn);
}

async function loadWorklist() {
  const filters = new FormData(form);
  const query = new URLSearchParams({ status: 'active', limit: String(PAGE_LIMIT) });
  for (const name of ['process', 'state', 'employer', 'feePeriod']) {
    const value = String(filters.get(name) ?? '').trim();
    if (value) query.set(name, value);
  }
  const response = await api(`/api/cases?${query}`);
  const tbody = document.querySelector('#worklist tbody');
  if (!response.ok) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'form-error', role: 'alert' }, errorMessage(response.body))));
    return;
  }
  const search = String(filters.get('search') ?? '').trim().toUpperCase();
  const rows = response.body.items
    .filter(canAct)
    .filter((view) => !search || view.id.toUpperCase().includes(search) || view.employerCode.includes(search))
    .map((view) => {
      const found = findCaseDeadline(view, page.declarationDeadlines ?? {});
      const deadline = found.kind === 'date' ? found.date : null;
      return { view, found, deadline, left: deadline ? workingDaysLeft(deadline) : null, overdue: view.state.some((path) => /overdue/i.test(path)) || (deadline !== null && deadline < today) };
    })
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999'));

  document.getElementById('worklist-count').textContent = t('worklist.count', { count: rows.length });
  if (rows.length === 0) {
    tbody.replaceChildren(el('tr', {}, el('td', { colspan: 7 }, t('worklist.empty'))));
    return;
  }
  tbody.replaceChildren(
    ...rows.map(({ view, found, left, overdue }) =>
      el(
        'tr',
        { class: overdue ? 'overdue' : null, 'data-case': view.id },
        el('td', {}, el('a', { href: `/cases/${encodeURIComponent(view.id)}` }, view.id.slice(0, 8) + '…')),
        el('td', {}, localized(view.processTitle)),
        el('td', {}, view.employerCode),
        el('td', {}, view.feePeriodFrom === view.feePeriodTo ? formatFeePeriod(view.feePeriodFrom) : `${formatFeePeriod(view.feePeriodFrom)} – ${formatFeePeriod(view.feePeriodTo)}`),
        el('td', {}, localized(view.stateTitle)),
        deadlineCell(found),
        el('td', { class: 'days-left' }, overdue ? el('strong', { class: 'overdue-label' }, t('worklist.overdue')) : daysLeftText(found, left)),
      ),
    ),
  );
  void warmListedDiagrams(rows.map(({ view }) => view));
}

/** Builds the deadline cell: the date with the rule that sets it, or the reason there is none. */
function deadlineCell(found) {
  if (found.kind === 'date') {
    const rule = t(`deadline.rule.${found.rule}`);
    return el('td', { class: 'deadline', 'data-deadline': found.date, title: rule }, formatDate(found.date), el('br'), el('small', { class: 'hint' }, rule));
  }
  const text = { none: t('worklist.noDeadline'), pending: t('worklist.deadlinePending'), unknown: t('worklist.deadlineNoCalendar') }[found.kind];
  return el('td', { class: 'deadline', 'data-deadline': found.kind }, text);
}

function daysLeftText(found, left) {
  if (found.kind !== 'date') return t('worklist.daysLeftNone');
  return left === null ? t('worklist.deadlineNoCalendar') : String(left);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = feePeriodInput.value.trim();
  const invalid = value !== '' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(value);
  setFieldError(feePeriodInput, invalid ? t('case.field.pattern', { format: 'YYYY-MM' }) : '');
  if (!invalid) void loadWorklist();
});
feePeriodInput.setAttribute('aria-describedby', 'filter-fee-period-error');

await loadWorklist();

// Caseworkers and auditors follow worklist changes live; employer staff reload (the stream covers every employer).
if (user?.role === 'caseworker' || user?.role === 'auditor') {
  const query = user.role === 'caseworker' ? `?party=${user.agency}` : '';
  const source = new EventSource(`/api/live${query}`);
  source.addEventListener('case-changed', () => void loadWorklist());
  source.addEventListener('resync', () => void loadWorklist());
}
