// Process state diagrams drawn by Mermaid once per process version, page language and Mermaid version,
// kept in the browser's IndexedDB, and highlighted for a case by CSS classes on the stored drawing.
// The layout is the same for every case of a process version, so a case page with a stored drawing
// loads no Mermaid before it shows the diagram, and the step control only moves the classes.
import { api, drawMermaid, el, errorMessage, loadMermaid, page, showDiagramFallback, t } from './common.js';

const DATABASE_NAME = 'case-engine-viewer';
const STORE_NAME = 'process-diagrams';

/** Drawings kept; after a new one is stored, the least recently used beyond this are deleted. */
const MAX_STORED_DRAWINGS = 48;

/** Drawings longer than this (in characters of SVG markup) are shown but not stored. */
const MAX_STORED_SVG_CHARS = 2_000_000;

/** A look-up or database open that takes longer counts as a miss, so a stuck database delays a page by at most this long. */
const STORE_TIMEOUT_MS = 500;

/**
 * Part of every key: raise it when the drawing, its `data-*` annotations or the Mermaid configuration in
 * `loadMermaid` change, so that drawings stored by an earlier viewer are no longer found.
 */
const DRAWING_FORMAT = 1;

/** Mermaid's edge statement as `renderStateDiagram` writes it: `  from --> to : label`. */
const TRANSITION_LINE = /^\s*(\[\*\]|s_[A-Za-z0-9_]+) --> (\[\*\]|s_[A-Za-z0-9_]+)(?: : (.*))?$/;

/** The highlight statements `renderStateDiagram` appends for a case: `  class s_a,s_b visited`. */
const HIGHLIGHT_LINE = /^\s*class [A-Za-z0-9_,]+ (?:visited|current)\s*$/;

/**
 * Returns the store key of a process diagram, or null when the page carries no `diagramCache` data and
 * nothing may be stored.
 */
export function processDiagramKey(processId, processVersion) {
  const info = page.diagramCache;
  if (!info || !processId || !Number.isInteger(processVersion)) return null;
  return [`format ${DRAWING_FORMAT}`, `${processId}@${processVersion}`, page.language, `mermaid ${info.mermaidVersion}`, info.revision].join('|');
}

/** Returns the latest version of a process as the server sent it with the page, or undefined. */
export function latestProcessVersion(processId) {
  return page.diagramCache?.latestVersions?.[processId];
}

/** Removes a case's highlight statements from a diagram text, leaving the process diagram. */
export function withoutHighlight(text) {
  return text
    .split('\n')
    .filter((line) => !HIGHLIGHT_LINE.test(line))
    .join('\n');
}

// NOTE: mirrors `stateId` in viewer/mermaid/state-diagram.ts, which names the nodes; keep both in step.
/** Returns the Mermaid node id of a state path. */
export function stateId(path) {
  return `s_${path.replace(/[^A-Za-z0-9]/g, (char) => (char === '.' ? '__' : `_${char.codePointAt(0).toString(16)}_`))}`;
}

function withAncestorIds(paths) {
  const ids = new Set();
  for (const path of paths) {
    const parts = path.split('.');
    for (let length = 1; length <= parts.length; length += 1) ids.add(stateId(parts.slice(0, length).join('.')));
  }
  return ids;
}

// NOTE: the current and visited states mirror `caseDiagramHighlight` in server/routes/case-routes.ts,
// which highlights the Mermaid text of GET /api/cases/:id/diagram.mmd; keep both in step.
/**
 * Computes a case's highlight after the given history events, as node ids. `current` contains the current
 * states with their ancestors. `visited` contains every state an event passed through (before, after,
 * and each microstep's source and targets) with their ancestors. `taken` contains the transitions taken
 * as `"from to"` pairs.
 */
export function caseHighlight(events) {
  const current = withAncestorIds(events.at(-1)?.stateAfter ?? []);
  const passed = [];
  const taken = new Set();
  for (const event of events) {
    passed.push(...(event.stateAfter ?? []), ...(event.stateBefore ?? []));
    for (const microstep of event.inspection?.microsteps ?? []) {
      for (const transition of microstep.transitions ?? []) {
        passed.push(transition.source, ...transition.targets);
        for (const target of transition.targets) taken.add(`${stateId(transition.source)} ${stateId(target)}`);
      }
    }
  }
  const visited = withAncestorIds(passed.filter((path) => path && path.length > 0));
  return { current, visited, taken };
}

/**
 * Sets the highlight classes on a drawing: `current` on the current states, `visited` on the other
 * visited states (the `classDef` styles of the diagram text colour both), and `taken` on the transitions
 * taken. An edge from or to a start or end marker (`[*]`) counts as taken when its state was visited.
 */
export function highlightDrawing(svg, highlight) {
  for (const element of svg.querySelectorAll('[data-state-id]')) {
    const id = element.dataset.stateId;
    element.classList.toggle('current', highlight.current.has(id));
    element.classList.toggle('visited', highlight.visited.has(id) && !highlight.current.has(id));
  }
  for (const edge of svg.querySelectorAll('[data-transition-from]')) {
    const from = edge.dataset.transitionFrom;
    const to = edge.dataset.transitionTo;
    let taken = highlight.taken.has(`${from} ${to}`);
    if (from === '[*]') taken = highlight.visited.has(to);
    if (to === '[*]') taken = highlight.visited.has(from);
    edge.classList.toggle('taken', taken);
  }
}

/** Returns the id of a process's drawing: unique per process, so several can share a page. */
function drawingId(processId) {
  return `state-diagram-${processId.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/**
 * Lays out a process diagram text with Mermaid and annotates the SVG for `highlightDrawing`. Resolves
 * to the annotated `<svg>` element, not yet in the page; rejects as `drawMermaid` does.
 */
async function drawProcessDiagram(processId, text) {
  const holder = document.createElement('div');
  holder.innerHTML = await drawMermaid(drawingId(processId), text);
  const svg = holder.querySelector('svg');
  if (!svg) throw new Error('Mermaid returned no <svg> element');
  annotateDrawing(svg, text);
  return svg;
}

/**
 * Marks each state node and cluster with `data-state-id`, and each transition with
 * `data-transition-from` and `data-transition-to`. Mermaid 11 names a state's element
 * `<svg id>-state-<node id>-<counter>` and numbers the edges `edge0`, `edge1`, … in the order of the
 * `-->` statements. That order is checked against the edge count and every edge label first, and the
 * transitions are left unmarked when it does not hold, so a change in Mermaid costs the transition
 * highlight but never marks a wrong edge.
 */
function annotateDrawing(svg, text) {
  const statePrefix = `${svg.id}-state-`;
  for (const element of svg.querySelectorAll('g.statediagram-state[id]')) {
    if (!element.id.startsWith(statePrefix)) continue;
    const match = /^(s_[A-Za-z0-9_]+)-\d+$/.exec(element.id.slice(statePrefix.length));
    if (match) element.dataset.stateId = match[1];
  }

  const transitions = text.split('\n').map((line) => TRANSITION_LINE.exec(line)).filter((match) => match !== null);
  const edges = new Map();
  for (const path of svg.querySelectorAll('path[data-edge][data-id]')) {
    const match = /^edge(\d+)$/.exec(path.dataset.id ?? '');
    if (match) edges.set(Number(match[1]), path);
  }
  if (edges.size !== transitions.length) return;
  for (const [index, [, , , label]] of transitions.entries()) {
    const drawnLabel = svg.querySelector(`g.label[data-id="edge${index}"]`)?.textContent.trim() ?? '';
    if (!edges.has(index) || drawnLabel !== decodeMermaidEntities(label ?? '').trim()) return;
  }
  for (const [index, [, from, to]] of transitions.entries()) {
    edges.get(index).dataset.transitionFrom = from;
    edges.get(index).dataset.transitionTo = to;
  }
}

const drawingsInPage = new Map();

/**
 * Draws a process diagram and starts storing it. A key drawn before in this page is not drawn again,
 * because `mermaid.render` (Mermaid 11) first removes the element with the drawing's id from the page,
 * which would take away the drawing already shown. Resolves to `{ markup, stored }`, where `stored`
 * settles when the store has the drawing or failed to take it.
 */
function drawAndStore(key, processId, text) {
  if (key !== null && drawingsInPage.has(key)) return drawingsInPage.get(key);
  const drawing = drawProcessDiagram(processId, text).then((svg) => {
    const markup = svg.outerHTML;
    return { markup, stored: storeDrawing(key, processId, markup) };
  });
  if (key !== null) {
    drawingsInPage.set(key, drawing);
    drawing.catch(() => drawingsInPage.delete(key));
  }
  return drawing;
}

/** Decodes the `#NNN;` entity codes of `escapeMermaidLabel` in viewer/mermaid/state-diagram.ts. */
function decodeMermaidEntities(label) {
  return label.replace(/#(\d+);/g, (code, digits) => String.fromCodePoint(Number(digits)));
}

let databaseOpening = null;

/**
 * Opens the drawing store once per page; resolves to null where IndexedDB is missing, blocked or failing.
 * Pages may call it early, so that the open overlaps their first requests.
 */
export function openDatabase() {
  databaseOpening ??= withTimeout(
    new Promise((resolve) => {
      if (typeof indexedDB === 'undefined') {
        resolve(null);
        return;
      }
      const request = indexedDB.open(DATABASE_NAME, 1);
      request.addEventListener('upgradeneeded', () => {
        const store = request.result.createObjectStore(STORE_NAME, { keyPath: 'key' });
        store.createIndex('usedAt', 'usedAt');
      });
      request.addEventListener('success', () => {
        const database = request.result;
        // Another tab that upgrades the database waits until this one lets go.
        database.addEventListener('versionchange', () => database.close());
        resolve(database);
      });
      request.addEventListener('error', () => resolve(null));
      request.addEventListener('blocked', () => resolve(null));
    }).catch(() => null),
  );
  return databaseOpening;
}

function withTimeout(promise) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), STORE_TIMEOUT_MS))]);
}

/** Runs `work(store)` in a transaction; resolves to its request's result, or null on any failure. */
async function inTransaction(mode, work) {
  const database = await openDatabase();
  if (!database) return null;
  return withTimeout(
    new Promise((resolve) => {
      try {
        const transaction = database.transaction(STORE_NAME, mode);
        const request = work(transaction.objectStore(STORE_NAME));
        transaction.addEventListener('complete', () => resolve(request?.result ?? null));
        transaction.addEventListener('error', () => resolve(null));
        transaction.addEventListener('abort', () => resolve(null));
      } catch {
        resolve(null);
      }
    }),
  );
}

/** Resolves to the stored SVG markup of a key, or null when it is not stored or the store fails. */
export async function readStoredDrawing(key) {
  if (key === null) return null;
  const record = await inTransaction('readonly', (store) => store.get(key));
  if (!record || typeof record.svg !== 'string') return null;
  // Marks the drawing as recently used; the page does not wait for it.
  void inTransaction('readwrite', (store) => store.put({ ...record, usedAt: Date.now() }));
  return record.svg;
}

/** Stores a drawing and deletes the least recently used ones beyond `MAX_STORED_DRAWINGS`; failures are ignored. */
async function storeDrawing(key, processId, svgMarkup) {
  if (key === null || svgMarkup.length > MAX_STORED_SVG_CHARS) return;
  const now = Date.now();
  await inTransaction('readwrite', (store) => store.put({ key, processId, svg: svgMarkup, storedAt: now, usedAt: now }));
  await inTransaction('readwrite', (store) => {
    const counting = store.count();
    counting.addEventListener('success', () => {
      let excess = counting.result - MAX_STORED_DRAWINGS;
      if (excess <= 0) return;
      const cursor = store.index('usedAt').openCursor();
      cursor.addEventListener('success', () => {
        if (!cursor.result || excess <= 0) return;
        cursor.result.delete();
        excess -= 1;
        cursor.result.continue();
      });
    });
    return counting;
  });
}

/**
 * Puts a process diagram into `container`. It comes from the store when `storedDrawing` (a promise of
 * `readStoredDrawing`) resolves to one. Otherwise Mermaid draws it from the `api()` response that
 * `loadText()` resolves to, without the case highlight statements, and the drawing is stored. Sets
 * `data-rendered` and `data-source` (`stored` or `drawn`) on the container. Resolves to the `<svg>` in
 * the page, or to null when the text could not be read or drawn. The container then shows the error,
 * or the text with `fallbackItems`.
 */
export async function placeProcessDiagram(container, { processId, processVersion, loadText, fallbackItems = [], storedDrawing }) {
  const key = processDiagramKey(processId, processVersion);
  const stored = await (storedDrawing ?? readStoredDrawing(key));
  if (stored !== null) {
    container.innerHTML = stored;
    const svg = container.querySelector('svg');
    if (svg) {
      container.dataset.rendered = 'true';
      container.dataset.source = 'stored';
      return svg;
    }
  }

  container.replaceChildren(el('p', { class: 'hint' }, t('diagram.loading')));
  // Mermaid's files load while the text is requested; a failed load rejects again in drawMermaid.
  void loadMermaid().catch(() => {});
  const response = await loadText();
  if (!response.ok) {
    container.dataset.rendered = 'false';
    container.replaceChildren(el('p', { class: 'form-error', role: 'alert' }, errorMessage(response.body)));
    return null;
  }
  try {
    const { markup } = await drawAndStore(key, processId, withoutHighlight(response.body));
    container.innerHTML = markup;
  } catch (error) {
    showDiagramFallback(container, response.body, fallbackItems, error);
    return null;
  }
  container.dataset.rendered = 'true';
  container.dataset.source = 'drawn';
  return container.querySelector('svg');
}

/** Calls `work` when the browser is idle, or after a short delay where `requestIdleCallback` is missing. */
function whenIdle(work) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: 5_000 });
  else setTimeout(work, 200);
}

const warmedKeys = new Set();

/**
 * Draws and stores, one per idle period, the diagrams of `processes` (`{ processId, processVersion,
 * textPath }`, where `textPath` is an API path of the process's Mermaid text) that the store lacks, so
 * that a case page opened next finds its drawing. A key already handled by this page is skipped. Resolves
 * to the number of diagrams drawn; failures are skipped, because the case page draws on a miss.
 */
export function warmProcessDiagrams(processes) {
  const queue = processes.filter((entry) => {
    const key = processDiagramKey(entry.processId, entry.processVersion);
    if (key === null || warmedKeys.has(key)) return false;
    warmedKeys.add(key);
    return true;
  });
  return new Promise((resolve) => {
    let drawn = 0;
    const next = async () => {
      const entry = queue.shift();
      if (!entry) {
        resolve(drawn);
        return;
      }
      const key = processDiagramKey(entry.processId, entry.processVersion);
      try {
        if (!drawingsInPage.has(key) && (await readStoredDrawing(key)) === null) {
          const response = await api(entry.textPath);
          if (response.ok) {
            await (await drawAndStore(key, entry.processId, withoutHighlight(response.body))).stored;
            drawn += 1;
          }
        }
      } catch {
        // A diagram that cannot be drawn here is drawn, or shown as text, by the page that needs it.
      }
      whenIdle(next);
    };
    whenIdle(next);
  });
}
