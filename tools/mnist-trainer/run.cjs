// Runs the trainer's TypeScript directly (see tools/scripts/run-ts.cjs).
require('../scripts/run-ts.cjs')(require.resolve('./src/main.ts'));
