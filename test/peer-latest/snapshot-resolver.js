// Snapshots of the peer-latest run live apart from the committed ones (test/peer-latest/jest.config.js).
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const dir = path.join(root, '.peer-latest', 'snapshots');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(dir, path.relative(root, testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(root, path.relative(dir, snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(root, 'test', 'example.test.ts'),
};
