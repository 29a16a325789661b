import { defineStore } from 'pinia';
import { api } from '@/api';

export interface Me {
  id: string;
  role: string;
  name?: string;
  unitCode?: string;
}

interface Stored {
  token: string;
  expiresAt: number;
  me: Me;
}

const KEY = 'hub.session';
const OFFICE = ['operator', 'supervisor'];

function load(): Stored | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

/**
 * The signed-in user: the hub's access token (POST /auth/login) kept in this tab's
 * sessionStorage. The hub has no refresh token: when the token expires the user signs in again
 * and comes back to the page they were on (docs/console.md).
 */
export const useAuth = defineStore('auth', {
  state: () => ({ session: load(), expiredNotice: false }),
  getters: {
    signedIn: (s) => s.session !== null,
    token: (s) => s.session?.token ?? null,
    me: (s) => s.session?.me ?? null,
    role: (s) => s.session?.me.role ?? '',
    isUnit: (s) => s.session?.me.role === 'unit_staff',
    isOffice: (s) => OFFICE.includes(s.session?.me.role ?? ''),
    isSupervisor: (s) => s.session?.me.role === 'supervisor',
    isAdmin: (s) => s.session?.me.role === 'admin',
  },
  actions: {
    async login(username: string, password: string): Promise<void> {
      const answer = await api<{ accessToken: string; expiresIn: number; role: string; unitCode?: string }>('POST', '/auth/login', { username, password }, { auth: false });
      const expiresAt = Date.now() + answer.expiresIn * 1000;
      this.session = { token: answer.accessToken, expiresAt, me: { id: username, role: answer.role, unitCode: answer.unitCode } };
      this.expiredNotice = false;
      try {
        this.session.me = await api<Me>('GET', '/auth/me');
      } catch {
        // the token works for the API; /auth/me only adds the name
      }
      sessionStorage.setItem(KEY, JSON.stringify(this.session));
    },
    logout(): void {
      this.session = null;
      sessionStorage.removeItem(KEY);
    },
    /** The token was refused or ran out. */
    expire(): void {
      if (!this.session) return;
      this.logout();
      this.expiredNotice = true;
    },
    msLeft(): number {
      return this.session ? this.session.expiresAt - Date.now() : 0;
    },
  },
});

/** Where a role starts. */
export function homeOf(role: string): string {
  if (role === 'unit_staff') return '/my/orders';
  if (OFFICE.includes(role)) return '/desk/todo';
  if (role === 'admin') return '/admin/users';
  return '/';
}
