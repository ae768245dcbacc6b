import { GroupCommit } from './group-commit';

// a writer whose groups finish only when the test says so
function controlledWriter(options: { parallel?: number; maxGroup?: number; failWhen?: (items: string[]) => boolean } = {}) {
  const groups: string[][] = [];
  const alone: string[] = [];
  const finish: Array<() => void> = [];
  const commit = new GroupCommit<string, string>({
    writeGroup: (items) => {
      groups.push(items);
      return new Promise((resolve, reject) => finish.push(() => (options.failWhen?.(items) ? reject(new Error('group failed')) : resolve(items.map((i) => `${i}:grouped`)))));
    },
    writeOne: async (item) => {
      alone.push(item);
      if (item === 'bad') throw new Error('bad alone too');
      return `${item}:alone`;
    },
    slotOf: (item) => (item.startsWith('key') ? item.slice(0, 4) : undefined),
    parallel: options.parallel ?? 1,
    maxGroup: options.maxGroup,
  });
  return {
    commit,
    groups,
    alone,
    finishNext: async () => {
      finish.shift()!();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('group commit', () => {
  it('writes a lone item at once, and groups what arrives meanwhile into the next write', async () => {
    const { commit, groups, finishNext } = controlledWriter();
    const first = commit.submit('a');
    expect(groups).toEqual([['a']]);
    const later = ['b', 'c', 'd'].map((item) => commit.submit(item));
    expect(groups).toHaveLength(1); // waiting for the first group
    await finishNext();
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
    await finishNext();
    expect(await first).toBe('a:grouped');
    expect(await Promise.all(later)).toEqual(['b:grouped', 'c:grouped', 'd:grouped']);
  });

  it('keeps groups to their size and never puts two items of one slot in a group', async () => {
    const { commit, groups, finishNext } = controlledWriter({ maxGroup: 3 });
    const all = ['x', 'key1-a', 'key1-b', 'y', 'z', 'w'].map((item) => commit.submit(item));
    await finishNext(); // x alone
    await finishNext();
    await finishNext();
    expect(groups).toEqual([['x'], ['key1-a', 'y', 'z'], ['key1-b', 'w']]);
    expect(await Promise.all(all)).toHaveLength(6);
  });

  it('keeps apart items that share any of their slots (a contact of several kinds), and lets the others share a group', async () => {
    const groups: string[][] = [];
    const finish: Array<() => void> = [];
    const commit = new GroupCommit<string, string>({
      writeGroup: (items) => {
        groups.push(items);
        return new Promise((resolve) => finish.push(() => resolve(items)));
      },
      writeOne: async (item) => item,
      // 'phone:wechat': the item's two slots
      slotOf: (item) => item.split(':'),
      parallel: 1,
    });
    const all = ['p0:w0', 'p1:w1', 'p2:w1', 'p1:w3', 'p4:w4'].map((item) => commit.submit(item));
    for (let i = 0; i < 3; i++) {
      finish.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(groups).toEqual([['p0:w0'], ['p1:w1', 'p4:w4'], ['p2:w1', 'p1:w3']]);
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it('writes each item of a failed group alone, so only the bad one fails', async () => {
    const { commit, groups, alone, finishNext } = controlledWriter({ failWhen: (items) => items.includes('bad') });
    const first = commit.submit('a');
    const rest = ['good', 'bad'].map((item) => commit.submit(item).catch((e: Error) => e.message));
    await finishNext();
    await finishNext();
    expect(groups).toEqual([['a'], ['good', 'bad']]);
    expect(await first).toBe('a:grouped');
    expect(await Promise.all(rest)).toEqual(['good:alone', 'bad alone too']);
    expect(alone).toEqual(['good', 'bad']);
  });

  it('writes up to `parallel` groups at once', async () => {
    const { commit, groups } = controlledWriter({ parallel: 2 });
    void commit.submit('a');
    void commit.submit('b');
    void commit.submit('c');
    expect(groups).toEqual([['a'], ['b']]);
  });
});
