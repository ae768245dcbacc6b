import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = join(__dirname, '..', '..', '..', 'bench', 'RESULTS.md');
const HEADER = '# Benchmark results\n\nNewest first. Each section: what ran, on which machine, when. Produced by `npm run bench`.\n';

/** Puts a dated section at the top of bench/RESULTS.md (older runs stay below). */
export function recordResults(section: string): void {
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8').replace(HEADER, '') : '';
  writeFileSync(RESULTS, `${HEADER}\n${section.trim()}\n\n${previous.trim()}\n`);
}

/** Runs a benchmark and ends the process: 0 when it finished, 1 with the error when it failed (open handles never keep it). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
