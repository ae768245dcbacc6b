// deploy/node-flags: the one list of Node's flags every service process starts with
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { nodeFlags } = require('../../node-flags.js') as { nodeFlags: (file?: string) => string[] };

describe('deploy/node-flags', () => {
  it('reads one flag per line, leaving out comments and blank lines', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'node-flags-')), 'node-flags');
    writeFileSync(file, '# why\n\n--max-semi-space-size=2   # young generation\n  --stack-trace-limit=20\n');
    expect(nodeFlags(file)).toEqual(['--max-semi-space-size=2', '--stack-trace-limit=20']);
  });

  it('holds only flags this Node accepts (a misspelt one would stop every service)', () => {
    const flags = nodeFlags();
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) expect(flag).toMatch(/^--[a-z]/);
    // node refuses an unknown flag with "bad option" and exit code 9
    expect(execFileSync(process.execPath, [...flags, '-p', '"ok"'], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it("keeps kafkajs' negative timer out of the log and every other warning in it", () => {
    const run = spawnSync(process.execPath, [...nodeFlags(), '-e', "setTimeout(() => undefined, -1); process.emitWarning('kept', 'OtherWarning')"], { encoding: 'utf8' });
    expect(run.stderr).not.toContain('TimeoutNegativeWarning');
    expect(run.stderr).toContain('OtherWarning: kept');
  });
});
