// The process catalogue: draws each process diagram when its section scrolls into view.
import { api, renderMermaid } from './common.js';

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    observer.unobserve(entry.target);
    void drawProcess(entry.target);
  }
});

async function drawProcess(container) {
  const response = await api(`/api/processes/${encodeURIComponent(container.dataset.processDiagram)}/diagram.mmd?lang=${document.documentElement.lang === 'en' ? 'en' : 'zh'}`);
  if (response.ok) await renderMermaid(container, response.body);
}

for (const container of document.querySelectorAll('[data-process-diagram]')) observer.observe(container);
