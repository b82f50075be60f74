// The test command's jest config, with aws-cdk-lib taken from .peer-latest/ (scripts/peer-latest.sh installs there the
// newest version of the peer range). `constructs` stays the lockfile's: one copy for the library and aws-cdk-lib.
// Snapshots go to .peer-latest/snapshots (written fresh: a newer aws-cdk-lib may render templates differently; what
// this run proves is synthesis, nag, guard and the access paths, whose assertions are exact).
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const base = require(path.join(root, 'package.json')).jest;
const lib = path.join(root, '.peer-latest', 'node_modules', 'aws-cdk-lib');
const constructs = path.dirname(require.resolve('constructs/package.json', { paths: [root] }));

module.exports = {
  ...base,
  rootDir: root,
  reporters: ['default'],
  collectCoverage: false,
  // The test command's own snapshots are not this run's (an obsolete file would fail it).
  modulePathIgnorePatterns: ['<rootDir>/test/.*/__snapshots__/'],
  moduleNameMapper: {
    '^aws-cdk-lib$': lib,
    '^aws-cdk-lib/(.*)$': `${lib}/$1`,
    '^constructs$': constructs,
  },
  snapshotResolver: '<rootDir>/test/peer-latest/snapshot-resolver.js',
  testMatch: [
    '<rootDir>/test/encrypted-*/**/*.test.ts',
    '<rootDir>/test/access/**/*.test.ts',
    '<rootDir>/test/audit/**/*.test.ts',
    '<rootDir>/test/compliance/**/*.test.ts',
    '<rootDir>/test/composition/**/*.test.ts',
    '<rootDir>/test/key/**/*.test.ts',
    '<rootDir>/test/verifier/**/*.test.ts',
    '<rootDir>/test/checks/**/*.test.ts',
    '<rootDir>/test/peer-latest/**/*.peer.ts',
  ],
};
