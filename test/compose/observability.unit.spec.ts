// deploy/observability (Prometheus scrape config and alerts, Grafana's data source and dashboard) and the compose
// profile that runs them, checked without a Docker engine: against the services that exist and the metrics the code
// really registers, so an alert or a panel on a renamed metric fails here rather than stay silent in production.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { metricsRegistry } from '@support/service-kit';
// registers sla-monitor's gauges in the registry, as sla-monitor's start does
import '../../services/sla-monitor/src/application/sla-clock.metrics';
import { ComposeFile, environmentOf, parseCompose } from './compose-checks';

const ROOT = resolve(__dirname, '../..');
const OBSERVABILITY = 'deploy/observability';
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const compose = (): ComposeFile => parseCompose(read('docker-compose.yml'));

interface AlertRule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}
const alertRules = (): AlertRule[] => (parse(read(`${OBSERVABILITY}/prometheus/alerts.yml`)) as { groups: Array<{ rules: AlertRule[] }> }).groups.flatMap((g) => g.rules);
const prometheusConfig = () =>
  parse(read(`${OBSERVABILITY}/prometheus/prometheus.yml`)) as { rule_files: string[]; scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; datasource?: { uid: string } }>;
}
const dashboard = () => JSON.parse(read(`${OBSERVABILITY}/grafana/dashboards/support-eventing.json`)) as { uid: string; panels: Panel[] };
const panelQueries = () => dashboard().panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

function repoServices(): string[] {
  return readdirSync(join(ROOT, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'services', d.name, 'src', 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** every series name the services expose: each registered metric, a histogram's with its _bucket, _sum and _count */
async function exposedNames(): Promise<Set<string>> {
  const names = new Set<string>(['up']);
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

// a metric in PromQL: a name followed by a selector, a range or the end of an aggregation's argument
const METRIC = /\b((?:support|http)_[a-z0-9_]+|up)\b(?=\s*(?:\{|\[|\)|$|\s*[<>=!]))/g;

/** the metrics a PromQL expression reads that no service exposes */
function unknownMetrics(expr: string, exposed: ReadonlySet<string>): string[] {
  return [...expr.matchAll(METRIC)].map((m) => m[1]).filter((name) => !exposed.has(name));
}

describe('deploy/observability', () => {
  it('scrapes every service in services/ on the operators’ port compose gives it', () => {
    const scraped = prometheusConfig().scrape_configs.find((job) => job.job_name === 'support')!;
    const targets = scraped.static_configs.flatMap((c) => c.targets).sort();
    const services = compose().services ?? {};
    const expected = repoServices()
      .map((name) => `${name}:${environmentOf(services[name]!).OPS_PORT}`)
      .sort();
    expect(expected.every((target) => /:\d+$/.test(target))).toBe(true);
    expect(targets).toEqual(expected);
  });

  it('alerts on consumer lag, the outbox backlog’s age, parked events and SLA breaches, each with a severity and a summary', () => {
    const rules = alertRules();
    const reads = (metric: string) => rules.filter((rule) => rule.expr.includes(metric)).map((rule) => rule.alert);
    expect(reads('support_consumer_lag')).not.toEqual([]);
    expect(reads('support_outbox_oldest_age_seconds')).not.toEqual([]);
    expect(reads('support_dead_letters_total')).not.toEqual([]);
    expect(reads('support_sla_breaches')).not.toEqual([]);
    for (const rule of rules) expect([rule.alert, rule.labels?.severity, typeof rule.annotations?.summary]).toEqual([rule.alert, expect.any(String), 'string']);
    expect(prometheusConfig().rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });

  it('alerts and charts only metrics the services expose', async () => {
    const exposed = await exposedNames();
    const unknown = [
      ...alertRules().flatMap((rule) => unknownMetrics(rule.expr, exposed).map((name) => `alert ${rule.alert}: ${name}`)),
      ...panelQueries().flatMap(({ panel, expr }) => unknownMetrics(expr, exposed).map((name) => `panel ${panel}: ${name}`)),
    ];
    expect(unknown).toEqual([]);
    // and they do read some: an expression the pattern cannot parse would pass unnoticed
    expect(alertRules().every((rule) => [...rule.expr.matchAll(METRIC)].length > 0)).toBe(true);
    expect(panelQueries().every(({ expr }) => [...expr.matchAll(METRIC)].length > 0)).toBe(true);
  });

  it('gives the dashboard the provisioned data source, and provisions the folder compose mounts', () => {
    const datasource = (parse(read(`${OBSERVABILITY}/grafana/provisioning/datasources/prometheus.yml`)) as { datasources: Array<{ uid: string; url: string }> }).datasources[0];
    expect(datasource.url).toBe('http://prometheus:9090');
    const panels = dashboard().panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect([panel.title, panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)]).toEqual([
        panel.title,
        datasource.uid,
        ...(panel.targets ?? []).map(() => datasource.uid),
      ]);
    }
    const provider = (parse(read(`${OBSERVABILITY}/grafana/provisioning/dashboards/support.yml`)) as { providers: Array<{ options: { path: string } }> }).providers[0];
    const grafana = compose().services!.grafana!;
    expect(grafana.volumes).toContain(`./${OBSERVABILITY}/grafana/dashboards:${provider.options.path}:ro`);
  });
});

describe('the observability profile of docker-compose.yml', () => {
  const observability = ['prometheus', 'grafana', 'jaeger'];

  it('runs pinned official prom/prometheus, grafana/grafana and jaegertracing/jaeger images, only when the profile is asked for', () => {
    const services = compose().services!;
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(services.jaeger!.image).toMatch(/^jaegertracing\/jaeger:\d+\.\d+\.\d+$/);
    for (const name of observability) expect([name, (services[name] as { profiles?: string[] }).profiles]).toEqual([name, ['observability']]);
    // the services send traces only when the endpoint is given: empty by default, tracing off
    for (const name of repoServices()) expect([name, environmentOf(services[name]!).OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([name, '${OTEL_EXPORTER_OTLP_ENDPOINT:-}']);
    // nothing else is in a profile: a plain `docker compose up` runs what it always ran
    const others = Object.entries(services).filter(([name, svc]) => !observability.includes(name) && (svc as { profiles?: string[] }).profiles);
    expect(others).toEqual([]);
  });

  it('mounts only files that exist in deploy/observability', () => {
    const services = compose().services!;
    const mounted = observability.flatMap((name) =>
      (services[name]!.volumes ?? []).filter((v): v is string => typeof v === 'string' && v.startsWith('./')).map((v) => v.split(':')[0]),
    );
    expect(mounted.length).toBeGreaterThan(0);
    for (const source of mounted) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
  });
});

describe('the checks can fail', () => {
  it('names a metric no service exposes', () => {
    const exposed = new Set(['support_consumer_lag']);
    expect(unknownMetrics('sum by (group) (support_consumer_lag) > 1000', exposed)).toEqual([]);
    expect(unknownMetrics('max(support_consumer_lagg{group="x"}) > 0 or rate(support_events_handled_total[5m])', exposed)).toEqual([
      'support_consumer_lagg',
      'support_events_handled_total',
    ]);
  });
});
