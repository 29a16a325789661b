import { ref } from 'vue';
import { ApiError, get, query } from '@/api';
import type { ListEntry } from './WorkOrderTable.vue';

interface Page {
  items: ListEntry[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

/** A keyset-paged work-order list: remembers the cursor of every page it passed. */
export function useCursorList(path: string, filters: () => Record<string, string | undefined>) {
  const rows = ref<ListEntry[]>([]);
  const total = ref(0);
  const totalExact = ref(true);
  const page = ref(1);
  const size = ref(50);
  const loading = ref(false);
  const error = ref('');
  const cursors: Array<string | undefined> = [undefined];
  let next: string | null = null;
  const hasNext = ref(false);

  async function load(silent = false): Promise<void> {
    if (!silent) loading.value = true;
    try {
      const p = await get<Page>(`${path}${query({ ...filters(), limit: size.value, cursor: cursors[page.value - 1] })}`);
      rows.value = p.items;
      total.value = p.total;
      totalExact.value = p.totalExact !== false;
      next = p.nextCursor;
      hasNext.value = next !== null;
      error.value = '';
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : '加载失败';
      if (silent) throw e;
    } finally {
      loading.value = false;
    }
  }
  const reset = () => {
    page.value = 1;
    cursors.length = 1;
    return load();
  };
  const goNext = () => {
    if (!next) return;
    cursors[page.value] = next;
    page.value++;
    return load();
  };
  const goPrev = () => {
    if (page.value <= 1) return;
    page.value--;
    return load();
  };
  const setSize = (n: number) => {
    size.value = n;
    return reset();
  };
  return { rows, total, totalExact, page, size, loading, error, hasNext, load, reset, goNext, goPrev, setSize };
}
