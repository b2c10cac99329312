import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, MetricsRegistry } from '../../server/observability/metrics-registry.js';

describe('metrics registry', () => {
  it('renders counters with escaped labels', () => {
    const registry = new MetricsRegistry();
    const counter = registry.register(new Counter<'code'>('rejections_total', 'Rejections by code.'));
    counter.inc({ code: 'EVENT_NOT_ACCEPTED' });
    counter.inc({ code: 'EVENT_NOT_ACCEPTED' });
    counter.inc({ code: 'odd "value"\\ with\nbreak' }, 3);

    expect(registry.render()).toBe(
      [
        '# HELP rejections_total Rejections by code.',
        '# TYPE rejections_total counter',
        'rejections_total{code="EVENT_NOT_ACCEPTED"} 2',
        'rejections_total{code="odd \\"value\\"\\\\ with\\nbreak"} 3',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms with cumulative buckets, sum and count', () => {
    const registry = new MetricsRegistry();
    const histogram = registry.register(new Histogram<'route'>('latency_seconds', 'Latency.', [0.1, 1]));
    histogram.observe({ route: '/a' }, 0.05);
    histogram.observe({ route: '/a' }, 0.5);
    histogram.observe({ route: '/a' }, 5);

    expect(registry.render().split('\n')).toEqual([
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{route="/a",le="0.1"} 1',
      'latency_seconds_bucket{route="/a",le="1"} 2',
      'latency_seconds_bucket{route="/a",le="+Inf"} 3',
      'latency_seconds_sum{route="/a"} 5.55',
      'latency_seconds_count{route="/a"} 3',
      '',
    ]);
  });

  it('reads gauges at render time', () => {
    let open = 1;
    const registry = new MetricsRegistry();
    registry.register(new Gauge('streams_open', 'Open streams.', () => open));
    open = 4;
    expect(registry.render()).toContain('\nstreams_open 4\n');
  });

  it('rejects a metric name registered twice', () => {
    const registry = new MetricsRegistry();
    registry.register(new Counter('events_total', 'Events.'));
    expect(() => registry.register(new Counter('events_total', 'Events.'))).toThrow('Metric events_total is registered twice');
  });
});
