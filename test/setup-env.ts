// Integration tests run against the real local PostgreSQL and Redis, in their own database and
// Redis logical database so that a developer's running hub is not disturbed.
// test/global-setup.ts creates this run's database and chooses its Redis database.
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_test';
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
