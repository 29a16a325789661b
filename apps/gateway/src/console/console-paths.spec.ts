import { isConsoleNavigation } from './console-paths';

describe('isConsoleNavigation (history fallback of the console)', () => {
  const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  it('gives a browser page navigation the console, even on a path the API also has', () => {
    expect(isConsoleNavigation('GET', '/', html)).toBe(true);
    expect(isConsoleNavigation('GET', '/my/orders/0b0c?tab=1', html)).toBe(true);
    expect(isConsoleNavigation('GET', '/work-orders/0b0c', html)).toBe(true);
    expect(isConsoleNavigation('HEAD', '/login', html)).toBe(true);
  });
  it('leaves API calls, files and the API’s own pages alone', () => {
    expect(isConsoleNavigation('GET', '/work-orders', 'application/json')).toBe(false);
    expect(isConsoleNavigation('GET', '/work-orders', undefined)).toBe(false);
    expect(isConsoleNavigation('GET', '/work-orders', '*/*')).toBe(false);
    expect(isConsoleNavigation('POST', '/auth/login', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/docs', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/docs/json', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/health', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/metrics', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/connectors/hotline/orders', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/assets/index-abc.js', html)).toBe(false);
    expect(isConsoleNavigation('GET', '/favicon.ico', html)).toBe(false);
  });
});
