/** What the browser journeys share: the whole hub with the console and fakes, users made through the API. */
import { authHeader } from '../support/auth';
import { HubApi, resetWorld, startLifecycleHub, type LifecycleHub } from '../integration/lifecycle-kit';
import { ensureConsoleBuilt, openBrowser, watchedPage, type Browser, type WatchedPage } from './browser';

export const PASSWORD = 'console-test-password-1';

export interface ConsoleWorld {
  h: LifecycleHub;
  browser: Browser;
  /** the hub's base URL, where the console is served */
  url: string;
  admin: HubApi;
  close(): Promise<void>;
}

export async function startConsoleWorld(env: Record<string, string> = {}): Promise<ConsoleWorld> {
  ensureConsoleBuilt();
  const h = await startLifecycleHub(['gateway', 'router', 'notifier'], { console: true, env });
  const browser = await openBrowser();
  const admin = new HubApi(h.hub.url, await authHeader(h.hub, { role: 'admin', id: 'admin-e2e', name: '管理员' }));
  return {
    h,
    browser,
    url: h.hub.url,
    admin,
    async close() {
      await browser.close();
      await h.close();
    },
  };
}

export interface ConsoleUser {
  username: string;
  role: string;
  unitCode?: string;
}

/** Empty world (directory, fakes) and the people who sign in: staff of units A, B and C, an operator. */
export async function resetConsoleWorld(w: ConsoleWorld, users: ConsoleUser[]): Promise<void> {
  await resetWorld(w.h);
  for (const u of users) {
    const r = await w.admin.post('/auth/users', { ...u, password: PASSWORD });
    if (r.status !== 201 && r.status !== 200) throw new Error(`user ${u.username}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export interface ConsoleJourneys extends ConsoleWorld {
  /** A page for one journey; closed after the test, which fails on any problem the page saw. */
  open(journey: string): Promise<WatchedPage>;
}

/**
 * The hooks a file of browser journeys shares: one hub and browser for the file, the world reset
 * with `users` before each test, each test's pages closed after it and their problems (console
 * errors, unexpected HTTP errors) failing it. The world's fields read once beforeAll started it.
 */
export function consoleJourneys(users: ConsoleUser[]): ConsoleJourneys {
  let world: ConsoleWorld | undefined;
  let pages: WatchedPage[] = [];
  const started = (): ConsoleWorld => {
    if (!world) throw new Error('the console world starts in beforeAll');
    return world;
  };
  beforeAll(async () => {
    world = await startConsoleWorld();
  }, 180_000);
  afterAll(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    await resetConsoleWorld(started(), users);
  });
  afterEach(async () => {
    const problems = pages.flatMap((p) => p.problems);
    for (const p of pages) await p.close();
    pages = [];
    expect(problems).toEqual([]);
  });
  return {
    get h() {
      return started().h;
    },
    get browser() {
      return started().browser;
    },
    get url() {
      return started().url;
    },
    get admin() {
      return started().admin;
    },
    close: () => started().close(),
    async open(journey: string) {
      const p = await watchedPage(started().browser, journey);
      pages.push(p);
      return p;
    },
  };
}
