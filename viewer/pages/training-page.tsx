import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { translate } from '../i18n/messages.js';
import type { MessageKey } from '../i18n/messages.js';
import { BranchList } from './branch-list.js';
import { Layout } from './layout.js';
import type { PageFrame } from './layout.js';
import { TRAINING_SCENARIOS } from './training-scenarios.js';

/**
 * Trainer mode: scripted scenarios played step by step in a fresh sandbox, the sandbox's simulated date,
 * and every branch of each process. The page's module runs the steps through the API as the trainer, so
 * the access table keeps trainers to sandbox cases.
 */
export function TrainingPage(props: { frame: PageFrame; processes: readonly ProcessDefinition[] }) {
  const { language } = props.frame;
  const t = (key: MessageKey) => translate(language, key);
  return (
    <Layout frame={props.frame} title={t('training.title')} script="training" data={{ scenarios: TRAINING_SCENARIOS }}>
      <p class="hint">{t('training.hint')}</p>
      <div class="two-columns">
        <div class="card">
          <div class="field">
            <label for="scenario">{t('training.scenario')}</label>
            <select id="scenario">
              {TRAINING_SCENARIOS.map((scenario) => <option value={scenario.id}>{scenario.title[language]}</option>)}
            </select>
          </div>
          <div class="buttons">
            <button type="button" id="scenario-start">{t('training.start')}</button>
            <button type="button" id="scenario-back" disabled>{t('training.back')}</button>
            <button type="button" id="scenario-forward" disabled>{t('training.forward')}</button>
            <button type="button" id="scenario-reset" disabled>{t('training.reset')}</button>
          </div>
          <p id="scenario-progress" aria-live="polite">{t('training.notStarted')}</p>
          <ol id="narration" class="narration" aria-live="polite"></ol>
          <p id="scenario-outcome" role="status"></p>
          <p><a id="scenario-case-link" href="#" hidden>{t('training.openCase')}</a></p>
          <form id="sandbox-date-form" class="inline" novalidate>
            <div class="field">
              <label for="sandbox-date">{t('training.date')}</label>
              <input id="sandbox-date" type="date" aria-describedby="sandbox-date-error" disabled />
              <p class="field-error" id="sandbox-date-error" role="alert"></p>
            </div>
            <button type="submit" id="sandbox-date-submit" disabled>{t('training.setDate')}</button>
          </form>
        </div>
        <div class="card">
          <ul id="scenario-cases" aria-label={t('training.cases')} hidden></ul>
          <dl id="scenario-case" class="summary"></dl>
          <table id="scenario-months" class="grid" hidden>
            <caption>{t('training.months')}</caption>
            <thead></thead>
            <tbody></tbody>
          </table>
          <div id="scenario-diagram" class="diagram"></div>
        </div>
      </div>
      <section aria-labelledby="paths-heading">
        <h2 id="paths-heading">{t('training.paths')}</h2>
        <p class="hint">{t('training.paths.hint')}</p>
        {props.processes.map((process) => (
          <details>
            <summary>{process.title[language]}</summary>
            <BranchList definition={process} language={language} />
          </details>
        ))}
      </section>
    </Layout>
  );
}
