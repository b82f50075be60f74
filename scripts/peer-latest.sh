#!/usr/bin/env bash
# The top of the peer range: installs the newest aws-cdk-lib that package.json's peer range admits into .peer-latest/
# (not node_modules: the lockfile's version stays the one the test command uses) and runs the synth, nag, guard,
# access-path and verifier-handler tests against it (test/peer-latest/jest.config.js maps aws-cdk-lib there).
# Needs the npm registry. `npx projen test:peer-latest`; README "The top of the peer range".
set -euo pipefail
cd "$(dirname "$0")/.."
range=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib']")
rm -rf .peer-latest && mkdir -p .peer-latest
echo '{"private":true}' > .peer-latest/package.json
npm install --prefix .peer-latest --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --omit=peer "aws-cdk-lib@${range}" >/dev/null
version=$(node -p "require('./.peer-latest/node_modules/aws-cdk-lib/package.json').version")
echo "aws-cdk-lib ${version} (newest in ${range}; the lockfile has $(node -p "require('aws-cdk-lib/package.json').version"))"
npx jest --ci=false --coverage=false -c test/peer-latest/jest.config.js "$@"
