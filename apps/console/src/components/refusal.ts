import type { Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiError } from '@/api';

/**
 * Shows the API's refusal of a form: each field it names gets its message on the form's item
 * (`errors`, keyed by path); a refusal that names no field is one message. Other failures (the
 * network) are left to the caller.
 */
export function showRefusal(e: unknown, errors: Ref<Record<string, string>>): void {
  if (!(e instanceof ApiError)) return;
  errors.value = e.fieldMessages();
  if (e.fields.length === 0) ElMessage.error(e.message);
}
