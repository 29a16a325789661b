import { onBeforeUnmount, onMounted, ref } from 'vue';

/**
 * Lists refresh themselves by polling (docs/console.md: why not server-sent events): every
 * `ms` while the tab is visible, at once when it becomes visible again. A tick that is still
 * running is not stacked. `now` ticks with it so countdowns move.
 */
export function usePolling(refresh: () => Promise<void>, ms = 10_000) {
  const now = ref(new Date());
  let timer: ReturnType<typeof setInterval> | undefined;
  let running = false;
  const tick = async (): Promise<void> => {
    now.value = new Date();
    if (running || document.visibilityState !== 'visible') return;
    running = true;
    try {
      await refresh();
    } catch {
      // the page shows its own error on the next explicit load
    } finally {
      running = false;
    }
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') void tick();
  };
  onMounted(() => {
    timer = setInterval(() => void tick(), ms);
    document.addEventListener('visibilitychange', onVisible);
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return { now };
}
