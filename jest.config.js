// one jest config for the whole workspace; the test tier is in the file name
// (*.unit.spec.ts pure, *.int.spec.ts real PostgreSQL/Kafka, *.e2e.spec.ts running services)
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper,
  testMatch: ['<rootDir>/{libs,services,deploy,test}/**/*.spec.ts'],
  globalSetup: '<rootDir>/libs/test-kit/src/jest-global-setup.ts',
  testTimeout: 60_000,
};
