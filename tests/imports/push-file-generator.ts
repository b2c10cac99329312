import { EMPLOYER_CODE } from '../support/api-client.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** Builds a resident ID number with a correct check character; `index` below 365,000 gives distinct numbers. */
export function residentIdOf(index: number): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(index / 1000) * 86_400_000);
  const birthText = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `110105${birthText}${String(index % 1000).padStart(3, '0')}`;
  const sum = WEIGHTS.reduce((total, weight, position) => total + weight * Number(body[position]), 0);
  return `${body}${CHECK_CHARACTERS[sum % 11]}`;
}

const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Builds a unified social credit code (GB 32100) of a Beijing enterprise with a correct check character;
 * `index` below 10^9 gives distinct codes.
 */
export function creditCodeOf(index: number): string {
  const body = `911101${String(index).padStart(9, '0')}00`.slice(0, 17);
  const sum = [...body].reduce((total, character, position) => total + (CREDIT_CODE_WEIGHTS[position] ?? 0) * CREDIT_CODE_ALPHABET.indexOf(character), 0);
  return `${body}${CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]}`;
}

/** Returns the code with its check character replaced by a wrong one. */
export function withWrongCheckCharacter(code: string): string {
  const last = code.slice(-1);
  return `${code.slice(0, 17)}${last === '0' ? '1' : '0'}`;
}

/** Returns the month before the current Beijing month as YYYY-MM, which is always an accepted change month. */
export function lastMonth(now = new Date()): string {
  const beijing = new Date(now.getTime() + 8 * 3_600_000);
  const month = new Date(Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - 1, 1));
  return month.toISOString().slice(0, 7);
}

export const HEADERS = ['单位统一社会信用代码', '姓名', '证件类型', '证件号码', '变动类型', '险种', '变动年月', '合同类型', '合同起始日期', '开始缴费年月', '合同终止年月', '减员原因', '新姓名'];

export interface GeneratedFile {
  readonly csv: string;
  /** Row numbers (header = 1) of the planted bad rows, with the column and code each must be reported with. */
  readonly badRows: ReadonlyMap<number, { readonly column: string; readonly code: string }>;
  readonly goodRows: { readonly addition: number; readonly termination: number; readonly change: number };
  readonly rowCount: number;
}

/**
 * Builds a push file of `rowCount` data rows for one employer. In every block of ten rows six add people,
 * two terminate people added earlier and two change a name at hr. With `plantBadRows`, one of five kinds of
 * bad row replaces every 200th row (every fifth of a smaller file), taking the kinds in turn: a bad check
 * character, an unknown insurance, a change month before 2023-12, a duplicate addition and a termination
 * of someone not insured. Every change month is the month before `now` (the current time by default).
 */
export function generatePushFile(
  rowCount: number,
  options: { plantBadRows: boolean; seed?: number; now?: Date } = { plantBadRows: false },
): GeneratedFile {
  const month = lastMonth(options.now);
  const seed = options.seed ?? 0;
  const lines: string[][] = [HEADERS];
  const badRows = new Map<number, { column: string; code: string }>();
  const goodRows = { addition: 0, termination: 0, change: 0 };
  let nextPerson = seed * 400_000;
  const added: string[] = [];
  const plantEvery = rowCount >= 1000 ? 200 : Math.max(2, Math.floor(rowCount / 5));

  const addition = (id: string, name: string) => [EMPLOYER_CODE, name, '居民身份证', id, '增加', '养老、失业、工伤、医疗', month, '无固定期限', `${month}-01`, '', '', '', ''];
  const termination = (id: string, name: string) => [EMPLOYER_CODE, name, '居民身份证', id, '减少', '养老、失业、工伤、医疗', month, '', '', month, month, '劳动合同期满终止', ''];
  const change = (id: string, name: string) => [EMPLOYER_CODE, name, '居民身份证', id, '变更', '养老、失业、工伤', month, '', '', '', '', '', `${name}改`];

  for (let index = 0; index < rowCount; index++) {
    const rowNumber = index + 2;
    const slot = index % 10;
    const plantKind = options.plantBadRows && index % plantEvery === plantEvery - 1 ? Math.floor(index / plantEvery) % 5 : -1;

    if (plantKind >= 0) {
      const id = residentIdOf(nextPerson++ % 365_000);
      if (plantKind === 0) {
        const wrong = id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');
        lines.push(addition(wrong, '错号'));
        badRows.set(rowNumber, { column: 'idNumber', code: 'RESIDENT_ID_CHECK_MISMATCH' });
      } else if (plantKind === 1) {
        lines.push(addition(id, '错险').map((cell, column) => (column === 5 ? '养老、生育' : cell)));
        badRows.set(rowNumber, { column: 'insurances', code: 'UNKNOWN_INSURANCE' });
      } else if (plantKind === 2) {
        lines.push(addition(id, '早期').map((cell, column) => (column === 6 ? '2022-05' : cell)));
        badRows.set(rowNumber, { column: 'changeMonth', code: 'CHANGE_MONTH_OUT_OF_RANGE' });
      } else if (plantKind === 3 && added.length > 0) {
        const earlier = added[added.length - 1] ?? '';
        lines.push(addition(earlier, '重复'));
        badRows.set(rowNumber, { column: 'idNumber', code: 'DUPLICATE_PERSON' });
      } else {
        lines.push(termination(id, '未参保'));
        badRows.set(rowNumber, { column: 'idNumber', code: 'PERSON_NOT_INSURED' });
      }
      continue;
    }

    if (slot < 6 || added.length < 4) {
      const id = residentIdOf(nextPerson++ % 365_000);
      lines.push(addition(id, `员工${index}`));
      added.push(id);
      goodRows.addition++;
    } else if (slot < 8) {
      const id = added.shift() ?? '';
      lines.push(termination(id, `员工${index}`));
      goodRows.termination++;
    } else {
      const id = residentIdOf(nextPerson++ % 365_000);
      lines.push(change(id, `员工${index}`));
      goodRows.change++;
    }
  }
  const csv = `\uFEFF${lines.map((cells) => cells.map(quoteCsv).join(',')).join('\r\n')}\r\n`;
  return { csv, badRows, goodRows, rowCount };
}

function quoteCsv(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
