import { oncePerScrape } from './once-per-scrape';

describe('oncePerScrape', () => {
  it('runs the sample once for the callers of one scrape, and again for the next', async () => {
    let runs = 0;
    let finish!: () => void;
    const sample = oncePerScrape(() => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const scrape = Promise.all([sample(), sample(), sample()]);
    finish();
    await scrape;
    expect(runs).toBe(1);
    const next = sample();
    finish();
    await next;
    expect(runs).toBe(2);
  });

  it('lets the next scrape try again after a failed sample', async () => {
    let fail = true;
    const sample = oncePerScrape(async () => {
      if (fail) throw new Error('database away');
    });
    await expect(sample()).rejects.toThrow('database away');
    fail = false;
    await expect(sample()).resolves.toBeUndefined();
  });
});
