// Writes libs/api-client/src/generated/<service>.openapi.ts: the types of each service's OpenAPI document.
// Run: npm run api:client (test/security/route-roles.e2e.spec.ts fails when a committed file differs from the live document's)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SERVICES } from '../security/services';
import { clientSource, generatedClientPath, serviceDocument } from './api-client-generation';

// compiled to dist/api-client/test/api-client: the repository root is four levels up
const root = join(__dirname, '..', '..', '..', '..');

async function main(): Promise<void> {
  for (const definition of SERVICES) {
    const path = join(root, generatedClientPath(definition.serviceName));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, clientSource(await serviceDocument(definition)));
    console.log(`wrote ${generatedClientPath(definition.serviceName)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
