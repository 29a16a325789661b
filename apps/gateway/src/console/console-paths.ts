import path from 'node:path';

/** Paths that stay the API's even when a browser asks for HTML (docs/console.md). */
const NOT_CONSOLE = /^\/(docs|health|metrics|connectors|assets)(\/|$)/;

/**
 * True for a browser's page navigation (GET, HTML wanted, no file extension) that is not one of
 * the API's own pages: it gets the console's index.html and the console's router takes over
 * (history fallback). API clients ask for JSON and never reach it.
 */
export function isConsoleNavigation(method: string, url: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!accept || !accept.includes('text/html')) return false;
  const p = url.split('?')[0];
  if (NOT_CONSOLE.test(p)) return false;
  return !path.posix.basename(p).includes('.');
}
