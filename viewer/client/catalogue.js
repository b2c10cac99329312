// The process catalogue: shows each process diagram when its section scrolls into view, from the
// browser's diagram store or drawn and stored, and draws the others into the store in idle time.
import { api, page } from './common.js';
import { latestProcessVersion, placeProcessDiagram, warmProcessDiagrams } from './process-diagram.js';

const containers = [...document.querySelectorAll('[data-process-diagram]')];

function diagramPath(processId) {
  return `/api/processes/${encodeURIComponent(processId)}/diagram.mmd?lang=${page.language}`;
}

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    const processId = entry.target.dataset.processDiagram;
    void placeProcessDiagram(entry.target, { processId, processVersion: latestProcessVersion(processId), loadText: () => api(diagramPath(processId)) });
  }
});

for (const container of containers) observer.observe(container);

void warmProcessDiagrams(
  containers.map((container) => ({
    processId: container.dataset.processDiagram,
    processVersion: latestProcessVersion(container.dataset.processDiagram),
    textPath: diagramPath(container.dataset.processDiagram),
  })),
);
