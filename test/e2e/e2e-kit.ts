/** What the browser journeys share: the whole hub with the console and fakes, users made through the API. */
import { authHeader } from '../support/auth';
import { HubApi, resetWorld, startLifecycleHub, type LifecycleHub } from '../integration/lifecycle-kit';
import { ensureConsoleBuilt, openBrowser, type Browser } from './browser';

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

/** Empty world (directory, fakes) and the people who sign in: staff of units A, B and C, an operator. */
export async function resetConsoleWorld(w: ConsoleWorld, users: Array<{ username: string; role: string; unitCode?: string }>): Promise<void> {
  await resetWorld(w.h);
  for (const u of users) {
    const r = await w.admin.post('/auth/users', { ...u, password: PASSWORD });
    if (r.status !== 201 && r.status !== 200) throw new Error(`user ${u.username}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
