import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ProjectGraph {
  graph: {
    nodes: Record<string, { data: { root: string; tags?: string[] } }>;
    dependencies: Record<string, Array<{ target: string }>>;
  };
}

// the arrows point one way: services -> libs, never service -> service, never lib -> service; the workspace
// project (root project.json: the cross-service suites, deploy tooling, benchmarks) may use any, and none uses it
describe('Nx project graph', () => {
  let graph: ProjectGraph['graph'];

  beforeAll(() => {
    const file = join(mkdtempSync(join(tmpdir(), 'graph-')), 'graph.json');
    execFileSync(join(__dirname, '../../node_modules/.bin/nx'), ['graph', `--file=${file}`], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'pipe',
    });
    graph = (JSON.parse(readFileSync(file, 'utf8')) as ProjectGraph).graph;
  }, 120_000);

  const kind = (project: string) => (graph.nodes[project]?.data.tags ?? []).find((t) => t.startsWith('type:'));

  it('knows every service and lib, each tagged', () => {
    const projects = Object.keys(graph.nodes).filter((p) => !p.startsWith('npm:'));
    expect(projects).toEqual(expect.arrayContaining(['intake', 'contracts', 'event-store', 'messaging', 'service-kit', 'test-kit', 'workspace']));
    for (const project of projects) expect([project, kind(project)]).toEqual([project, expect.stringMatching(/^type:(service|lib|workspace)$/)]);
    expect(projects.filter((p) => kind(p) === 'type:workspace')).toEqual(['workspace']);
  });

  it('has services depending on libs and never on each other', () => {
    const services = Object.keys(graph.nodes).filter((p) => kind(p) === 'type:service');
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      const targets = (graph.dependencies[service] ?? []).map((d) => d.target).filter((t) => !t.startsWith('npm:'));
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(`${service} -> ${target}: ${kind(target)}`).toBe(`${service} -> ${target}: type:lib`);
    }
  });

  it('has no project depending on the workspace project', () => {
    for (const [project, deps] of Object.entries(graph.dependencies)) {
      for (const { target } of deps) if (kind(target) === 'type:workspace') expect(`${project} -> ${target}`).toBe('nothing depends on it');
    }
  });

  it('has libs never depending on a service', () => {
    const libs = Object.keys(graph.nodes).filter((p) => kind(p) === 'type:lib');
    for (const lib of libs) {
      for (const { target } of graph.dependencies[lib] ?? []) {
        if (!target.startsWith('npm:')) expect(`${lib} -> ${target}: ${kind(target)}`).toBe(`${lib} -> ${target}: type:lib`);
      }
    }
  });
});
