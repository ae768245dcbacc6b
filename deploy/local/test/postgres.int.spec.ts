// deploy/local/postgres.js `url` must print a URL that node-postgres can use.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

const repo = join(__dirname, '..', '..', '..');

describe('deploy/local/postgres.js url', () => {
  it('prints a connectable PostgreSQL URL', async () => {
    const out = execFileSync(process.execPath, [join(repo, 'deploy/local/postgres.js'), 'url'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const url = out.trim().split('\n').pop()!;
    expect(url).toMatch(/^postgres(ql)?:\/\//);

    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number }>('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});
