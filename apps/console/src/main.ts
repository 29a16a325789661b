import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/theme-chalk/base.css';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { useSession } from './api';
import { useAuth } from './stores/auth';

const app = createApp(App);
app.use(createPinia());
const auth = useAuth();

/** A refused or expired token ends the session: back to sign-in, then back here. */
function sessionOver(): void {
  if (!auth.signedIn) return;
  auth.expire();
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath } });
}

useSession({ token: () => auth.token, expired: sessionOver });
let timer: ReturnType<typeof setTimeout> | undefined;
auth.$subscribe(() => {
  clearTimeout(timer);
  // setTimeout holds at most ~24.8 days; tokens live minutes to a day
  if (auth.signedIn) timer = setTimeout(sessionOver, Math.max(0, auth.msLeft()));
});
if (auth.signedIn) timer = setTimeout(sessionOver, Math.max(0, auth.msLeft()));

app.use(router);
app.mount('#app');
