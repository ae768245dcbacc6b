/**
 * `sample` shared by the gauges one scrape collects (prom-client collects them concurrently): asked once
 * however many of them call, and again at the next scrape.
 */
export function oncePerScrape(sample: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= sample().finally(() => (running = undefined));
    return running;
  };
}
