// Forms generated from the JSON Schemas of case inputs and event data (GET /api/processes/:processId),
// with labels from the page catalogue and checks in the browser before anything is sent. Amounts, which the
// API takes in integer fen (fields named `…Fen`), are entered in yuan with at most two decimals.
import { el, fieldLabel, formatFen, setFieldError, t } from './common.js';

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

/** Returns whether a field is an amount in integer fen, which the form takes in yuan. */
function isFenField(name, property) {
  return /Fen$/.test(name) && property?.type === 'integer';
}

/** Yuan as typed: digits with optional thousands separators, an optional sign and optional decimals. */
const YUAN_PATTERN = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/;

/**
 * Converts an amount typed in yuan to integer fen without floating point: "1,234.56" is 123456. Returns
 * `{ fen }`, or `{ message }` naming what is wrong, checked against the schema's minimum and maximum.
 */
export function parseYuan(raw, property = {}) {
  const match = YUAN_PATTERN.exec(raw.replace(/\s/g, ''));
  if (!match) return { message: t('form.yuan.invalid') };
  const [, sign, whole, decimals = ''] = match;
  const fen = BigInt(whole.replace(/,/g, '')) * 100n + BigInt(decimals.padEnd(2, '0').slice(0, 2) || '0');
  if (sign === '-' && fen > 0n) return { message: t('form.yuan.negative') };
  if (decimals.length > 2) return { message: t('form.yuan.decimals') };
  const minimum = BigInt(property.minimum ?? 0);
  const maximum = BigInt(property.maximum ?? Number.MAX_SAFE_INTEGER);
  if (fen < minimum) return { message: t('form.yuan.minimum', { amount: formatFen(Number(minimum)) }) };
  if (fen > maximum) return { message: t('form.yuan.maximum', { amount: formatFen(Number(maximum)) }) };
  return { fen: Number(fen) };
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
      const results = nested.map((reader) => reader());
      // An optional group left wholly empty is absent, so its own required fields do not apply.
      if (!isRequired && results.every((result) => result.value === undefined || result.value === false)) {
        for (const input of fieldset.querySelectorAll('[aria-invalid]')) setFieldError(input, '');
        return { name, value: undefined, error: false };
      }
      const value = {};
      let error = false;
      for (const result of results) {
        if (result.error) error = true;
        else if (result.value !== undefined) value[result.name] = result.value;
      }
      return { name, value: Object.keys(value).length > 0 || isRequired ? value : undefined, error };
    };
  }

  if (property?.type === 'array' && property.items?.type === 'object' && property.items.properties) {
    return buildRowsField(container, name, property, isRequired, id, path);
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
  } else if (isFenField(name, property)) {
    input = el('input', { id: inputId, type: 'text', inputmode: 'decimal', placeholder: '0.00', 'data-unit': 'yuan' });
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
  const hint = isFenField(name, property) ? el('span', { class: 'unit' }, t('form.yuan.unit')) : null;
  container.append(el('div', { class: 'field' }, property?.type === 'boolean' ? [input, label] : [label, input, hint], error));
  if (isFenField(name, property)) {
    // Checked when the user leaves the field, so a wrong amount shows before the form is sent. While the
    // user types, an error is only cleared, never added, so a half-typed amount is not flagged.
    input.addEventListener('change', () => readInput(input, name, property, isRequired));
    input.addEventListener('input', () => {
      if (input.getAttribute('aria-invalid') === 'true' && !parseYuan(input.value.trim(), property).message) setFieldError(input, '');
    });
  }

  return () => readInput(input, name, property, isRequired);
}

/**
 * Builds an array of objects (the months of an arrears case, the lines of a refund) as rows of fields with
 * add and remove buttons. Field paths carry the row index, `months.0.principalFen`, as the API's issues do.
 */
function buildRowsField(container, name, property, isRequired, id, path) {
  const errorId = `${id}-${fieldCounter}-error`;
  const fieldset = el('fieldset', { class: 'rows', 'data-path': path, 'aria-describedby': errorId }, el('legend', {}, fieldLabel(name), isRequired ? ' *' : ''));
  const rowsContainer = el('div', { class: 'row-list' });
  const error = el('p', { class: 'field-error', id: errorId, role: 'alert' });
  const addButton = el('button', { type: 'button', class: 'add-row' }, t('form.rows.add'));
  fieldset.append(rowsContainer, addButton, error);
  container.append(fieldset);

  const rows = [];
  const itemSchema = property.items;
  const itemRequired = new Set(itemSchema.required ?? []);

  function renumber() {
    rows.forEach((row, index) => {
      row.legend.textContent = t('form.rows.row', { n: index + 1 });
      for (const input of row.element.querySelectorAll('[data-path]')) {
        const rest = input.getAttribute('data-path').slice(path.length + 1).replace(/^\d+/, '');
        input.setAttribute('data-path', `${path}.${index}${rest}`);
        if (input.hasAttribute('name')) input.setAttribute('name', `${path}.${index}${rest}`);
      }
    });
  }

  function addRow() {
    const index = rows.length;
    const legend = el('legend', {}, '');
    const element = el('fieldset', { class: 'row' }, legend);
    const readers = Object.entries(itemSchema.properties).map(([child, childProperty]) =>
      buildField(element, child, childProperty, itemRequired.has(child), `${id}-${index}-${child}`, `${path}.${index}.${child}`),
    );
    const row = { element, legend, readers };
    const removeButton = el('button', { type: 'button', class: 'remove-row' }, t('form.rows.remove'));
    removeButton.addEventListener('click', () => {
      rows.splice(rows.indexOf(row), 1);
      element.remove();
      renumber();
    });
    element.append(removeButton);
    rowsContainer.append(element);
    rows.push(row);
    renumber();
  }

  addButton.addEventListener('click', addRow);
  if (isRequired) for (let count = 0; count < Math.max(1, property.minItems ?? 1); count += 1) addRow();

  return () => {
    let error = false;
    const value = rows.map((row) => {
      const item = {};
      for (const reader of row.readers) {
        const result = reader();
        if (result.error) error = true;
        else if (result.value !== undefined) item[result.name] = result.value;
      }
      return item;
    });
    const tooFew = isRequired && value.length < Math.max(1, property.minItems ?? 0);
    setFieldError(fieldset, tooFew ? t('form.rows.required') : '');
    return { name, value: value.length > 0 || isRequired ? value : undefined, error: error || tooFew };
  };
}

function readInput(input, name, property, isRequired) {
  if (property?.type === 'boolean') return { name, value: input.checked, error: false };
  const raw = input.value.trim();
  let message = '';
  let value;
  if (raw === '') {
    if (isRequired) message = t('case.field.required');
  } else if (isFenField(name, property)) {
    const parsed = parseYuan(raw, property);
    value = parsed.fen;
    message = parsed.message ?? '';
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
