// Forms generated from the JSON Schemas of case inputs and event data (GET /api/processes/:processId),
// with labels from the page catalogue and checks in the browser before anything is sent.
import { el, fieldLabel, setFieldError, t } from './common.js';

const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

let fieldCounter = 0;

/** Field names whose value is a `YYYY-MM` month: fee periods and the start, stop and change months. */
function isMonthField(name) {
  return /(Period|Month|In)$/.test(name) || name === 'month' || name === 'feePeriod';
}

function isDateField(name) {
  return /(On|Date)$/.test(name);
}

/**
 * Builds the inputs of an object schema into `container` and returns a reader: `read()` returns the data,
 * or null after marking each invalid field with its message. `prefix` keeps ids unique on the page.
 */
export function buildSchemaFields(container, schema, prefix) {
  const readers = [];
  const properties = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  for (const [name, property] of Object.entries(properties)) {
    if (name === 'confirmations') continue;
    readers.push(buildField(container, name, property, required.has(name), `${prefix}-${name}`));
  }
  return {
    /** Returns the entered data, or null when a field is invalid (each such field then shows why). */
    read() {
      const data = {};
      let valid = true;
      for (const reader of readers) {
        const result = reader();
        if (result.error) valid = false;
        else if (result.value !== undefined) data[result.name] = result.value;
      }
      return valid ? data : null;
    },
    /** Shows a server-side issue (`path` as `a.b`) under its field; returns false when no field matches. */
    showIssue(path, message) {
      const input = container.querySelector(`[data-path="${CSS.escape(path)}"]`) ?? container.querySelector(`[data-path="${CSS.escape(path.split('.')[0])}"]`);
      if (!input) return false;
      setFieldError(input, message);
      return true;
    },
    clearIssues() {
      for (const input of container.querySelectorAll('[data-path]')) setFieldError(input, '');
    },
  };
}

function buildField(container, name, property, isRequired, id, path = name) {
  fieldCounter += 1;
  const inputId = `${id}-${fieldCounter}`;
  const errorId = `${inputId}-error`;
  const label = el('label', { for: inputId }, fieldLabel(name), isRequired ? ' *' : '');
  const error = el('p', { class: 'field-error', id: errorId, role: 'alert' });

  if (property?.type === 'object' && property.properties) {
    const fieldset = el('fieldset', { class: 'nested' }, el('legend', {}, fieldLabel(name)));
    container.append(fieldset);
    const nested = Object.entries(property.properties).map(([child, childProperty]) =>
      buildField(fieldset, child, childProperty, (property.required ?? []).includes(child), `${id}-${child}`, `${path}.${child}`),
    );
    return () => {
      const value = {};
      let error = false;
      for (const reader of nested) {
        const result = reader();
        if (result.error) error = true;
        else if (result.value !== undefined) value[result.name] = result.value;
      }
      return { name, value: Object.keys(value).length > 0 || isRequired ? value : undefined, error };
    };
  }

  const enumValues = property?.enum ?? property?.items?.enum;
  if (property?.type === 'array' && enumValues) {
    const fieldset = el('fieldset', { class: 'choices', 'data-path': path, 'aria-describedby': errorId }, el('legend', {}, fieldLabel(name), isRequired ? ' *' : ''));
    const boxes = enumValues.map((value) => {
      const box = el('input', { type: 'checkbox', value, id: `${inputId}-${value}` });
      fieldset.append(el('span', { class: 'choice' }, box, el('label', { for: `${inputId}-${value}` }, fieldLabel(value))));
      return box;
    });
    fieldset.append(error);
    container.append(fieldset);
    return () => {
      const value = boxes.filter((box) => box.checked).map((box) => box.value);
      const message = isRequired && value.length < (property.minItems ?? 0) ? t('case.field.required') : '';
      setFieldError(fieldset, message);
      return { name, value: value.length > 0 || isRequired ? value : undefined, error: Boolean(message) };
    };
  }

  let input;
  if (enumValues) {
    input = el('select', { id: inputId }, el('option', { value: '' }, t('common.select')), enumValues.map((value) => el('option', { value }, fieldLabel(String(value)))));
  } else if (property?.type === 'boolean') {
    input = el('input', { id: inputId, type: 'checkbox' });
  } else if (property?.type === 'integer' || property?.type === 'number') {
    input = el('input', { id: inputId, type: 'number', step: property.type === 'integer' ? '1' : 'any', inputmode: 'numeric' });
  } else if (property?.type === 'string' || property?.type === undefined && !property?.anyOf) {
    input = el('input', { id: inputId, type: isDateField(name) ? 'date' : 'text', placeholder: isMonthField(name) ? 'YYYY-MM' : null });
  } else {
    input = el('textarea', { id: inputId, rows: '3', placeholder: 'JSON' });
  }
  input.setAttribute('data-path', path);
  input.setAttribute('aria-describedby', errorId);
  input.setAttribute('name', path);
  if (isRequired) input.setAttribute('aria-required', 'true');
  container.append(el('div', { class: 'field' }, property?.type === 'boolean' ? [input, label] : [label, input], error));

  return () => readInput(input, name, property, isRequired);
}

function readInput(input, name, property, isRequired) {
  if (property?.type === 'boolean') return { name, value: input.checked, error: false };
  const raw = input.value.trim();
  let message = '';
  let value;
  if (raw === '') {
    if (isRequired) message = t('case.field.required');
  } else if (property?.type === 'integer' || property?.type === 'number') {
    value = Number(raw);
    if (!Number.isFinite(value) || (property.type === 'integer' && !Number.isInteger(value))) message = t('case.field.invalid', { message: raw });
  } else if (input.tagName === 'TEXTAREA') {
    try {
      value = JSON.parse(raw);
    } catch {
      message = t('case.field.json');
    }
  } else {
    value = raw;
    if (isMonthField(name) && !MONTH_PATTERN.test(raw)) message = t('case.field.pattern', { format: 'YYYY-MM' });
    if (isDateField(name) && !DATE_PATTERN.test(raw)) message = t('case.field.pattern', { format: 'YYYY-MM-DD' });
  }
  setFieldError(input, message);
  return { name, value, error: Boolean(message) };
}
