import { MicroBatcher } from './micro-batcher';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('joins the calls of one turn into one run and answers each with its own result', async () => {
    const runs: number[][] = [];
    const b = new MicroBatcher<number, string>(async (xs) => {
      runs.push(xs);
      return xs.map((x) => `r${x}`);
    });
    const answers = await Promise.all([b.call(1), b.call(2), b.call(3)]);
    expect(answers).toEqual(['r1', 'r2', 'r3']);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('collects what arrives while the runs in flight are busy, and never runs more at once than allowed', async () => {
    let running = 0;
    let most = 0;
    const runs: number[][] = [];
    const gates: Array<() => void> = [];
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        running++;
        most = Math.max(most, running);
        runs.push(xs);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return xs;
      },
      256,
      1,
    );
    const first = b.call(1);
    await tick();
    const later = [b.call(2), b.call(3), b.call(4)];
    await tick();
    expect(runs).toEqual([[1]]);
    gates.shift()!();
    await first;
    await tick();
    await tick();
    expect(runs).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
    expect(most).toBe(1);
  });

  it('splits at maxBatch', async () => {
    const sizes: number[] = [];
    const b = new MicroBatcher<number, number>(async (xs) => {
      sizes.push(xs.length);
      return xs;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((x) => b.call(x)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('a failed run rejects each of its calls, and the next run still happens', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>(async (xs) => {
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      return xs;
    });
    const failed = await Promise.allSettled([b.call(1), b.call(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    await expect(b.call(3)).resolves.toBe(3);
  });
});
