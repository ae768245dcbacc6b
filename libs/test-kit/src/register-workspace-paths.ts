import Module from 'node:module';
import { resolve } from 'node:path';

// Imported first by jest's globalSetup, which runs outside jest's module registry (moduleNameMapper does
// not apply there): resolves the workspace's `@support/*` imports by tsconfig.base.json's own table, and
// jest still transforms the TypeScript it then loads.
const root = resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const paths: Record<string, string[]> = require(resolve(root, 'tsconfig.base.json')).compilerOptions.paths;
const hooked = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const original = hooked._resolveFilename;
hooked._resolveFilename = function (request: string, ...rest: unknown[]) {
  const target = paths[request]?.[0];
  return original.call(this, target ? resolve(root, target) : request, ...rest);
};
