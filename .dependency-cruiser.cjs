/** The dependency rule (STYLE.md): the core never knows a platform; adapters never know each other. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-platform-free',
      comment: 'src/ may not import channels/ or bridges/; only src/main.ts wires adapters.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^(channels|bridges)/' },
    },
    {
      name: 'channels-do-not-know-bridges',
      severity: 'error',
      from: { path: '^channels/' },
      to: { path: '^bridges/' },
    },
    {
      name: 'bridges-do-not-know-channels',
      severity: 'error',
      from: { path: '^bridges/' },
      to: { path: '^channels/' },
    },
    {
      name: 'bridges-do-not-know-each-other',
      severity: 'error',
      from: { path: '^bridges/([^/]+)/' },
      to: { path: '^bridges/', pathNot: '^bridges/$1/' },
    },
    {
      name: 'channels-share-only-meta',
      comment: 'The three Meta channels may share channels/meta/, and nothing else of each other.',
      severity: 'error',
      from: { path: '^channels/([^/]+)/' },
      to: { path: '^channels/', pathNot: ['^channels/$1/', '^channels/meta/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
