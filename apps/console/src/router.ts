import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { homeOf, useAuth } from '@/stores/auth';

// Every page but sign-in is its own chunk, loaded when first visited (docs/console.md).
const Shell = () => import('@/components/AppShell.vue');
const OFFICE = ['operator', 'supervisor'];

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: Shell,
    children: [
      { path: '', name: 'home', component: () => import('@/views/NotFoundView.vue'), meta: { title: '首页' } },
      { path: 'my/orders', name: 'my-orders', component: () => import('@/views/unit/MyOrdersView.vue'), meta: { roles: ['unit_staff'], title: '我的工单' } },
      { path: 'my/orders/:id', name: 'my-order', component: () => import('@/views/WorkOrderView.vue'), props: (r) => ({ id: r.params.id, mode: 'unit' }), meta: { roles: ['unit_staff'], title: '工单详情' } },
      { path: 'desk/todo', name: 'todo', component: () => import('@/views/office/TodoView.vue'), meta: { roles: OFFICE, title: '待办' } },
      { path: 'desk/tickets', name: 'tickets', component: () => import('@/views/office/TicketsView.vue'), meta: { roles: OFFICE, title: '全部工单' } },
      { path: 'desk/tickets/:id', name: 'ticket', component: () => import('@/views/WorkOrderView.vue'), props: (r) => ({ id: r.params.id, mode: 'office' }), meta: { roles: OFFICE, title: '工单详情' } },
      { path: 'desk/directory', name: 'directory', component: () => import('@/views/office/DirectoryView.vue'), meta: { roles: [...OFFICE, 'admin'], title: '单位目录' } },
      { path: 'desk/calendar', name: 'calendar', component: () => import('@/views/office/CalendarView.vue'), meta: { roles: [...OFFICE, 'admin'], title: '工作日历' } },
      { path: 'desk/deliveries', name: 'deliveries', component: () => import('@/views/office/DeliveriesView.vue'), meta: { roles: OFFICE, title: '消息投递' } },
      { path: 'desk/reports', name: 'reports', component: () => import('@/views/office/ReportsView.vue'), meta: { roles: [...OFFICE, 'admin'], title: '统计报表' } },
      { path: 'admin/users', name: 'users', component: () => import('@/views/admin/UsersView.vue'), meta: { roles: ['admin'], title: '用户与角色' } },
      { path: 'admin/keys', name: 'keys', component: () => import('@/views/admin/KeysView.vue'), meta: { roles: ['admin'], title: '单位接口密钥' } },
      { path: 'admin/settings', name: 'settings', component: () => import('@/views/admin/SettingsView.vue'), meta: { roles: ['admin', ...OFFICE], title: '业务设置' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach((to) => {
  const auth = useAuth();
  if (to.meta.public) return auth.signedIn && to.name === 'login' ? homeOf(auth.role) : true;
  if (!auth.signedIn) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.name === 'home') return homeOf(auth.role);
  const roles = to.meta.roles as string[] | undefined;
  // Roles only decide what is shown; the API decides what is allowed.
  if (roles && !roles.includes(auth.role)) return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } };
  return true;
});

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? '')} · 12345 热线工单协同平台`;
});
