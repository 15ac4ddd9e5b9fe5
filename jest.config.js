/** Unit tests for the pure rules and end-to-end tests of the action against the simulator. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 60000,
  // End-to-end cases spend most of their time waiting on paced requests, not on a core: more
  // workers than cores keeps both cores busy.
  maxWorkers: 4,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js']
}
