/*
 * jest globalSetup: mends the test-only IAM evaluator (@cloud-copilot/iam-simulate) before any test runs, so that it
 * honours `kms:EncryptionContext:<key>` request keys (see scripts/mend-iam-simulate.js). It runs here, in the test
 * tooling, rather than as an npm install script: the package runs nothing at install. Idempotent; a mend that cannot
 * be applied is reported here and fails the test `the evaluator mend is in place`.
 */
const { mend } = require('../../scripts/mend-iam-simulate.js');

module.exports = async () => {
  const problems = mend();
  if (problems.length > 0) console.warn(`mend-iam-simulate: not applied:\n  ${problems.join('\n  ')}`);
};
