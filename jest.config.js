// Two projects: `unit` (pure logic, co-located *.spec.ts, no services; and test/architecture, which
// reads the source tree) and `integration`
// (test/**/*.test.ts, real PostgreSQL and Redis, fake upstreams on loopback; run serially
// because they share one database server).
const moduleNameMapper = {
  '^@hub/(rules|connectors|store|queues|common|workflow)$': '<rootDir>/libs/$1/src',
  '^@hub/(rules|connectors|store|queues|common|workflow)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// @fastify/static (the console's files, test/e2e) requires content-disposition, published as ESM
// only: the integration project compiles that one package to CommonJS.
const esmPackages = ['content-disposition'];
const integrationTransform = {
  ...transform,
  [`/node_modules/(${esmPackages.join('|')})/.+\\.js$`]: ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } }],
};
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/repo/*.spec.ts', '<rootDir>/test/architecture/*.spec.ts'],
      moduleNameMapper,
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      moduleNameMapper,
      transform: integrationTransform,
      transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      maxWorkers: 1,
    },
  ],
};
