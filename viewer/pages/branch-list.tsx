import type { ProcessDefinition } from '../../machines/engine/process-definition.js';
import { translate } from '../i18n/messages.js';
import type { Language } from '../i18n/messages.js';
import { listProcessBranches } from './process-branches.js';

/** Renders every transition of a process as a table: from state, event (or automatic) with its guard, to state. */
export function BranchList(props: { definition: ProcessDefinition; language: Language }) {
  const { language } = props;
  return (
    <table class="grid branches" data-process={props.definition.id}>
      <thead>
        <tr>
          <th scope="col">{translate(language, 'history.from')}</th>
          <th scope="col">{translate(language, 'history.event')}</th>
          <th scope="col">{translate(language, 'history.to')}</th>
        </tr>
      </thead>
      <tbody>
        {listProcessBranches(props.definition).map((branch) => (
          <tr>
            <td>{branch.sourceTitle[language]}</td>
            <td>
              {branch.eventTitle ? branch.eventTitle[language] : translate(language, 'case.inspector.automatic')}
              {branch.eventType ? <code> {branch.eventType}</code> : null}
              {branch.guard ? <small> [{branch.guard}]</small> : null}
            </td>
            <td>{branch.targets.map((target) => target.title[language]).join('、')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
