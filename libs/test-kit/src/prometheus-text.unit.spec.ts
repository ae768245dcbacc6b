import { parseMetrics, samplesOf, sumOf } from './prometheus-text';

const text = `# HELP support_events_handled_total Events a consumer group handled
# TYPE support_events_handled_total counter
support_events_handled_total{group="intake.anchors",type="support.audit.chain-anchored.v1"} 3
support_events_handled_total{group="intake.routing",type="unknown"} 2

support_outbox_backlog{schema="intake"} 0
process_open_fds 21
odd_label{note="say \\"hi\\", a\\\\b"} 1.5e+2
`;

describe('parseMetrics', () => {
  it('reads every sample with its labels and value, and skips comments', () => {
    const samples = parseMetrics(text);
    expect(samples.map((s) => s.name)).toEqual(['support_events_handled_total', 'support_events_handled_total', 'support_outbox_backlog', 'process_open_fds', 'odd_label']);
    expect(samples[0]).toEqual({ name: 'support_events_handled_total', labels: { group: 'intake.anchors', type: 'support.audit.chain-anchored.v1' }, value: 3 });
    expect(samples[3]).toEqual({ name: 'process_open_fds', labels: {}, value: 21 });
    expect(samples[4]).toEqual({ name: 'odd_label', labels: { note: 'say "hi", a\\b' }, value: 150 });
  });

  it('selects samples by name and labels, and sums them', () => {
    const samples = parseMetrics(text);
    expect(samplesOf(samples, 'support_events_handled_total', { group: 'intake.routing' })).toHaveLength(1);
    expect(sumOf(samples, 'support_events_handled_total')).toBe(5);
    expect(sumOf(samples, 'support_events_handled_total', { group: 'nobody' })).toBe(0);
  });
});
