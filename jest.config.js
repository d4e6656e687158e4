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
  // A worker that has grown past this after a file (hubs on PGlite leave memory behind) is replaced before the next:
  // late in a full run, a cross-process test (federation-exports) found its worker's subgraphs seconds late.
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
