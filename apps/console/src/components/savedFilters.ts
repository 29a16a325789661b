import { ref } from 'vue';

/** Named filters of the office's ticket search, kept in this browser (localStorage). */
const KEY = 'hub.savedFilters';

export function useSavedFilters<T>() {
  const read = (): Record<string, T> => {
    try {
      return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, T>;
    } catch {
      return {};
    }
  };
  const saved = ref<Record<string, T>>(read());
  const save = (name: string, value: T) => {
    saved.value = { ...saved.value, [name]: value };
    localStorage.setItem(KEY, JSON.stringify(saved.value));
  };
  const remove = (name: string) => {
    const next = { ...saved.value };
    delete next[name];
    saved.value = next;
    localStorage.setItem(KEY, JSON.stringify(next));
  };
  return { saved, save, remove };
}
