// Writes docs/security.md: the permission matrix of every HTTP route, from the routes' own metadata.
// Run: npm run security:docs (test/security/permission-matrix.unit.spec.ts fails when it is stale)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECURITY_DOC_PATH, securityMarkdown } from './permission-matrix';

// compiled to dist/security-docs/test/security: the repository root is four levels up
const root = join(__dirname, '..', '..', '..', '..');
writeFileSync(join(root, SECURITY_DOC_PATH), securityMarkdown());
console.log(`wrote ${SECURITY_DOC_PATH}`);
