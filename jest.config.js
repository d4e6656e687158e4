/** Tests start real servers (gateway and subgraphs) and send real HTTP requests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // jose is published as ES modules only; swc turns it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // Starting a hub (four subgraphs seeding) takes seconds, and much longer on a loaded 2-core machine.
  testTimeout: 120_000,
  // Each test file starts its own hub; two at a time suits a 2-core machine.
  maxWorkers: 2,
  // A worker whose JS heap has grown past this after a file is replaced before the next. Unreplaced, each worker
  // grew through the run (resident 7 to 8 GB by the end) and the last suites crawled: a cross-process test
  // (federation-exports) found its worker's subgraphs seconds late, and the whole run took 19 to 20 minutes (14.5 with this).
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
