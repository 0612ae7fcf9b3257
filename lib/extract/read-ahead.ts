/**
 * Reads up to `capacity` items ahead of the consumer, so fetching the next cursor batch from
 * MongoDB overlaps with transforming and uploading the current one. Memory stays bounded by
 * `capacity`; an error from the source surfaces at the consumer's next read.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, capacity: number): AsyncGenerator<T> {
  let buffer: T[] = [];
  let head = 0;
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: "consumer" | "producer") => {
    const fn = which === "consumer" ? wakeConsumer : wakeProducer;
    if (which === "consumer") wakeConsumer = undefined;
    else wakeProducer = undefined;
    fn?.();
  };

  const producer = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        wake("consumer");
        while (buffer.length - head >= capacity && !stopped) await new Promise<void>((r) => (wakeProducer = r));
        if (stopped) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wake("consumer");
    }
  })();

  try {
    for (;;) {
      if (head < buffer.length) {
        const item = buffer[head++]!;
        if (head > 1024 && head * 2 > buffer.length) {
          buffer = buffer.slice(head);
          head = 0;
        }
        wake("producer");
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    stopped = true;
    wake("producer");
    await producer;
  }
}
