/**
 * A small metrics registry that renders the Prometheus text exposition format (version 0.0.4): counters,
 * gauges read at scrape time, and histograms with cumulative buckets. Label values are escaped as the
 * format requires (backslash, double quote, line feed).
 */

type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  render(): string[];
}

/** A monotonically increasing count, one series per label combination. */
export class Counter<TLabel extends string = never> implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #series = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    this.name = name;
    this.#help = help;
  }

  inc(labels: Readonly<Record<TLabel, string>> = {} as Record<TLabel, string>, amount = 1): void {
    const key = seriesKey(labels);
    const series = this.#series.get(key) ?? { labels, value: 0 };
    series.value += amount;
    this.#series.set(key, series);
  }

  /** Returns the current value of one series; 0 when it was never incremented. */
  value(labels: Readonly<Record<TLabel, string>> = {} as Record<TLabel, string>): number {
    return this.#series.get(seriesKey(labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.#help)}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.#series.values()) lines.push(`${this.name}${formatLabels(labels)} ${formatNumber(value)}`);
    return lines;
  }
}

/** A value read when the metrics are scraped, such as the number of open live streams. */
export class Gauge implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #read: () => number;

  constructor(name: string, help: string, read: () => number) {
    this.name = name;
    this.#help = help;
    this.#read = read;
  }

  render(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.#help)}`, `# TYPE ${this.name} gauge`, `${this.name} ${formatNumber(this.#read())}`];
  }
}

/** A distribution of observed values in cumulative buckets, with their sum and count. */
export class Histogram<TLabel extends string = never> implements Metric {
  readonly name: string;
  readonly #help: string;
  /** Upper bounds in ascending order; the `+Inf` bucket is implied. */
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.#help = help;
    this.#bounds = [...bounds].sort((a, b) => a - b);
  }

  observe(labels: Readonly<Record<TLabel, string>>, value: number): void {
    const key = seriesKey(labels);
    const series = this.#series.get(key) ?? { labels, buckets: this.#bounds.map(() => 0), sum: 0, count: 0 };
    this.#bounds.forEach((bound, index) => {
      if (value <= bound) series.buckets[index] = (series.buckets[index] ?? 0) + 1;
    });
    series.sum += value;
    series.count += 1;
    this.#series.set(key, series);
  }

  /** Returns the number of observations of one series. */
  count(labels: Readonly<Record<TLabel, string>>): number {
    return this.#series.get(seriesKey(labels))?.count ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.#help)}`, `# TYPE ${this.name} histogram`];
    for (const { labels, buckets, sum, count } of this.#series.values()) {
      this.#bounds.forEach((bound, index) => {
        lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: formatNumber(bound) })} ${buckets[index] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${count}`);
    }
    return lines;
  }
}

/** Holds metrics in registration order and renders them as one exposition. */
export class MetricsRegistry {
  readonly #metrics: Metric[] = [];

  register<T extends Metric>(metric: T): T {
    if (this.#metrics.some((existing) => existing.name === metric.name)) {
      throw new Error(`Metric ${metric.name} is registered twice`);
    }
    this.#metrics.push(metric);
    return metric;
  }

  /** Renders the text exposition, ending with a line feed as the format requires. */
  render(): string {
    return `${this.#metrics.flatMap((metric) => metric.render()).join('\n')}\n`;
  }
}

/** Content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}
