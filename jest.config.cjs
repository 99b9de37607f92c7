// Every project's Jest config, run as one Jest invocation by the test command (one worker pool for the
// whole repo is much faster on 2 cores than one Jest process per project). `nx affected -t test` runs
// the same configs one project at a time. Jest accepts globs in `projects`.
module.exports = {
  // A global option in a multi-project run: the preset's value applies only when one project runs alone.
  testTimeout: 30000,
  projects: [
    '<rootDir>/apps/*/jest.config.cjs',
    '<rootDir>/libs/*/jest.config.cjs',
    '<rootDir>/libs/*/*/jest.config.cjs',
    '<rootDir>/tools/*/jest.config.cjs',
  ],
};
