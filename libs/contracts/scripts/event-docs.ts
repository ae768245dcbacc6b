// Writes docs/events/asyncapi.yaml and adds new event versions to docs/events/catalogue.lock.json.
// Run: npm run events:docs (the unit test libs/contracts/test/event-docs.unit.spec.ts fails when they are stale)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASYNCAPI_PATH, asyncApiYaml, CATALOGUE_LOCK_PATH, lockJson, nextCatalogueLock } from '../src/event-docs';

const root = join(__dirname, '..', '..', '..', '..');
const lockFile = join(root, CATALOGUE_LOCK_PATH);
const committed = existsSync(lockFile) ? JSON.parse(readFileSync(lockFile, 'utf8')) : {};
writeFileSync(join(root, ASYNCAPI_PATH), asyncApiYaml());
writeFileSync(lockFile, lockJson(nextCatalogueLock(committed)));
console.log(`wrote ${ASYNCAPI_PATH} and ${CATALOGUE_LOCK_PATH}`);
