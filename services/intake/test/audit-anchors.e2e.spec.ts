import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { chainHash, HashScheme, loadSigningKey } from '@support/event-store';
import { kafkaAs, testInfra } from '@support/test-kit';
import { aTicket, jsonRequest, RunningIntake, startIntake } from './support/intake-harness';

const REPO = join(__dirname, '..', '..', '..');

/** the auditor's command on the test database and broker: its exit code and report */
function auditVerify(schema: string, publicKeys: string): Promise<{ code: number; out: string }> {
  const args = ['--require', './libs/messaging/test/support/swc-register.js', './libs/messaging/scripts/audit-verify.ts'];
  const { databaseUrl, kafkaBrokers } = testInfra();
  const flags = ['--database-url', databaseUrl, '--schema', schema, '--brokers', kafkaBrokers.join(','), '--public-keys', publicKeys];
  // as an auditor would: the read-only analyst principal, its password in a file
  const analyst = kafkaAs('analyst').sasl;
  const passwordDir = mkdtempSync(join(tmpdir(), 'analyst-'));
  if (analyst) {
    const passwordFile = join(passwordDir, 'password');
    writeFileSync(passwordFile, analyst.password, { mode: 0o600 });
    flags.push('--sasl-username', analyst.username, '--sasl-password-file', passwordFile);
  }
  return new Promise((resolve) =>
    execFile(process.execPath, [...args, ...flags], { cwd: REPO, timeout: 60_000 }, (error, stdout, stderr) => {
      rmSync(passwordDir, { recursive: true, force: true });
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    }),
  );
}

describe('intake: the record against its signed anchors', () => {
  let intake: RunningIntake;
  let agent: string;
  let service: string;
  let keysDir: string;
  let publicKeys: string;

  beforeAll(async () => {
    intake = await startIntake();
    agent = await intake.token({ role: 'agent', id: 'agent-1' });
    service = await intake.token({ role: 'service', id: 'routing' });
    keysDir = mkdtempSync(join(tmpdir(), 'audit-public-'));
    publicKeys = join(keysDir, 'public.pem');
    // the key intake signs with in test (.data/audit/intake.pem), as the auditor would be given it
    writeFileSync(publicKeys, loadSigningKey('intake').publicKey.export({ type: 'spki', format: 'pem' }));
  }, 60_000);

  afterAll(async () => {
    await intake?.stop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const verify = async (id: string) => (await jsonRequest(`${intake.url}/v1/tickets/${id}/history/verify`, agent, 'GET')).json();

  /** a ticket assigned: two events, both anchored before it is returned */
  async function anchoredTicket(): Promise<string> {
    const { id } = await (await jsonRequest(`${intake.url}/v1/tickets`, agent, 'POST', aTicket())).json();
    const assignment = { assignee: { id: 'agent-1', role: 'agent' }, tier: 'L1' };
    expect((await jsonRequest(`${intake.url}/v1/tickets/${id}/assignment`, service, 'POST', assignment)).status).toBe(200);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const answer = await verify(id);
      if (answer.anchoredVersion === answer.length && answer.length === 2) return id;
    }
    throw new Error(`ticket ${id} was not anchored in time`);
  }

  /** as the database's superuser, with the append-only triggers off: what an operator with the keys could do */
  async function asSuperuser(work: (db: Client, events: string) => Promise<void>): Promise<void> {
    const db = new Client({ connectionString: testInfra().databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      await work(db, `"${intake.schema}".events`);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
  }

  it('verifies untouched streams, and names a chain rewritten with recomputed hashes and one cut at its end', async () => {
    const [rewritten, cut, untouched] = [await anchoredTicket(), await anchoredTicket(), await anchoredTicket()];
    const before = await auditVerify(intake.schema, publicKeys);
    expect(before).toMatchObject({ code: 0 });
    expect(before.out).toContain(`${rewritten} (ticket): verified (v2)`);

    await asSuperuser(async (db, events) => {
      // the first event's data changed, then every hash of the stream recomputed with the library's own function
      await db.query(`UPDATE ${events} SET data = data || '{"problem": "rewritten"}' WHERE stream_id = $1 AND version = 1`, [rewritten]);
      const { rows } = await db.query(
        `SELECT event_id, stream_id, stream_type, version, type, data, metadata, occurred_at, hash_scheme FROM ${events} WHERE stream_id = $1 ORDER BY version`,
        [rewritten],
      );
      let prevHash = '0'.repeat(64);
      for (const row of rows) {
        const event = { id: row.event_id, type: row.type, data: row.data, metadata: row.metadata, occurredAt: row.occurred_at };
        const hash = chainHash(prevHash, { streamId: row.stream_id, streamType: row.stream_type, version: row.version, event, scheme: row.hash_scheme as HashScheme });
        await db.query(`UPDATE ${events} SET prev_hash = $1, hash = $2 WHERE event_id = $3`, [prevHash, hash, row.event_id]);
        prevHash = hash;
      }
      await db.query(`DELETE FROM ${events} WHERE stream_id = $1 AND version = 2`, [cut]);
    });

    // the chains alone are fooled: both relink and recompute
    expect(await intake.runtime.store.verifyStream(intake.runtime.dataSource, rewritten)).toEqual({ valid: true, length: 2 });
    expect(await intake.runtime.store.verifyStream(intake.runtime.dataSource, cut)).toEqual({ valid: true, length: 1 });
    // the anchors are not (intake keeps the latest anchor of each stream: the break shows at its version)
    expect(await verify(rewritten)).toEqual({ valid: false, length: 2, anchoredVersion: 2, brokenAt: 2 });
    expect(await verify(cut)).toEqual({ valid: false, length: 1, anchoredVersion: 2, missing: 1 });
    expect(await verify(untouched)).toEqual({ valid: true, length: 2, anchoredVersion: 2 });

    const after = await auditVerify(intake.schema, publicKeys);
    expect(after.code).toBe(1);
    // the auditor holds every anchor, the first (v1) included: the rewrite is found where it began
    expect(after.out).toContain(`${rewritten} (ticket): broken at 1`);
    expect(after.out).toContain(`${cut} (ticket): missing events (anchored v2, stored 1)`);
    expect(after.out).toContain(`${untouched} (ticket): verified (v2)`);
  }, 120_000);
});
