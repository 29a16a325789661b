import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:console` proxies the API to a running gateway (HUB_GATEWAY_URL, default :3000).
const gateway = process.env.HUB_GATEWAY_URL ?? 'http://127.0.0.1:3000';
const api = ['/auth', '/work-orders', '/office', '/calendar', '/docs', '/health'];

export default defineConfig({
  root,
  base: '/',
  plugins: [
    vue(),
    // Element Plus components (and only their styles) imported where they are used, so the
    // sign-in page loads a few components, not the whole library (docs/console.md).
    Components({ dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
  ],
  resolve: { alias: { '@': `${root}src` } },
  build: {
    outDir: `${root}dist`,
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    // page navigations stay with Vite (its own history fallback); API calls go to the gateway
    proxy: Object.fromEntries(api.map((p) => [p, { target: gateway, bypass: (req: { headers: { accept?: string } }) => (req.headers.accept?.includes('text/html') ? '/index.html' : undefined) }])),
  },
});
