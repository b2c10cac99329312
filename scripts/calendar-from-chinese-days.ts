/**
 * Writes machines/policy/data/calendar-YYYY.json for years before the officially sourced files, taking the
 * dates from the chinese-days npm package (a secondary source that transcribes the State Council notices).
 * Legacy fee periods (before 2023-12) need these years for their due dates.
 *
 * Usage: npx tsx scripts/calendar-from-chinese-days.ts 2015 2023
 */
import { readFileSync, writeFileSync } from 'node:fs';
import chineseDays from 'chinese-days';

const dayDetail = (chineseDays as unknown as { getDayDetail(date: string): { work: boolean; name: string } }).getDayDetail;
const packageVersion = (JSON.parse(readFileSync('node_modules/chinese-days/package.json', 'utf8')) as { version: string }).version;

const [firstYear, lastYear] = process.argv.slice(2).map(Number);
if (!firstYear || !lastYear || firstYear > lastYear) {
  process.stderr.write('usage: calendar-from-chinese-days.ts FIRST_YEAR LAST_YEAR\n');
  process.exit(2);
}

for (let year = firstYear; year <= lastYear; year++) {
  const holidays: string[] = [];
  const adjustedWorkingDays: string[] = [];
  for (let time = Date.UTC(year, 0, 1); time < Date.UTC(year + 1, 0, 1); time += 86_400_000) {
    const date = new Date(time).toISOString().slice(0, 10);
    const weekend = [0, 6].includes(new Date(time).getUTCDay());
    const detail = dayDetail(date);
    if (!detail.work && !weekend) holidays.push(date);
    if (detail.work && weekend) adjustedWorkingDays.push(date);
  }
  const data = {
    year,
    version: `${year}.1`,
    source: `国务院办公厅关于${year}年部分节假日安排的通知; dates transcribed by the npm package chinese-days ${packageVersion}`,
    mark: 'secondary',
    holidays,
    adjustedWorkingDays,
  };
  writeFileSync(`machines/policy/data/calendar-${year}.json`, `${JSON.stringify(data, null, 2)}\n`);
  process.stdout.write(`calendar-${year}.json: ${holidays.length} weekday holidays, ${adjustedWorkingDays.length} adjusted working days\n`);
}
