// the fault-injection suite (npm run test:faults): its own config, so the default run
// (`{libs,services,deploy,test}/**/*.spec.ts`) never picks it up. It needs the private Kafka and
// PostgreSQL that test/faults/run.sh starts, and stops and restarts them: no global setup here.
const path = require('path');
const { globalSetup: _sharedInfra, ...shared } = require('../../jest.config');

module.exports = {
  ...shared,
  rootDir: path.join(__dirname, '..', '..'),
  testMatch: ['<rootDir>/test/faults/**/*.faults.ts'],
  testTimeout: 600_000,
};
