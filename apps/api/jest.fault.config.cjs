// The long fault tests (a dedicated Kafka broker stopped and restarted, a gateway child process
// SIGKILLed, ~3 minutes): a separate Jest run from the main one, `npx jest -c apps/api/jest.fault.config.cjs`.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'api-fault',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/fault/**/*.fault-spec.ts'],
  testTimeout: 240_000,
};
