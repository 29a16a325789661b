import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { HUB_SECRETS, withLocalSecrets } from './secrets';

describe('secrets: none in the source, generated once outside production', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'hub-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates strong secrets at the first start into a 0600 file and keeps them across restarts', () => {
    const file = path.join(dir, 'sub', 'secrets.json');
    const first = withLocalSecrets({ HUB_SECRETS_FILE: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o077).toBe(0);
    const config = loadConfig(first);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(config.security.searchKey, 'base64')).toHaveLength(32);
    const again = withLocalSecrets({ HUB_SECRETS_FILE: file });
    for (const n of HUB_SECRETS) expect(again[n]).toBe(first[n]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(Object.fromEntries(HUB_SECRETS.map((n) => [n, first[n]])));
    // another machine (file) gets other secrets
    const other = withLocalSecrets({ HUB_SECRETS_FILE: path.join(dir, 'other.json') });
    for (const n of HUB_SECRETS) expect(other[n]).not.toBe(first[n]);
  });

  it('keeps what the environment gives and fills only the rest', () => {
    const env = withLocalSecrets({ HUB_SECRETS_FILE: path.join(dir, 's.json'), HUB_JWT_SECRET: 'x'.repeat(40) });
    expect(env.HUB_JWT_SECRET).toBe('x'.repeat(40));
    expect(env.HUB_DATA_KEYS).toMatch(/^k\d{8}:/);
  });

  it('refuses a secrets file that others can read', () => {
    const file = path.join(dir, 's.json');
    withLocalSecrets({ HUB_SECRETS_FILE: file });
    chmodSync(file, 0o644);
    expect(() => withLocalSecrets({ HUB_SECRETS_FILE: file })).toThrow(/HUB_SECRETS_FILE: .*readable by others \(mode 644\)/);
  });

  it('production reads no file and refuses to start without explicit secrets, naming each', () => {
    const file = path.join(dir, 's.json');
    const env = withLocalSecrets({ NODE_ENV: 'production', HUB_SECRETS_FILE: file, HUB_SEARCH_KEY: Buffer.alloc(32, 1).toString('base64') });
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('HUB_JWT_SECRET, HUB_DATA_KEYS');
    expect(() => statSync(file)).toThrow();
  });

  it('listens on loopback outside production unless HUB_HOST says otherwise', () => {
    const env = withLocalSecrets({ HUB_SECRETS_FILE: path.join(dir, 's.json') });
    expect(loadConfig(env).host).toBe('127.0.0.1');
    expect(loadConfig({ ...env, HUB_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ ...env, HUB_HOST: 'a b' })).toThrow(/HUB_HOST/);
  });
});
