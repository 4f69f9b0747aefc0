/**
 * Calls `tick` now and then every `intervalMs` while `active`, never two at once, and pauses while
 * the tab is hidden. Returns `poke()` to run a tick at once (after the user queued something).
 */
import { useCallback, useEffect, useRef } from 'react';

export function usePolling(tick: () => Promise<void>, intervalMs: number, active = true): () => void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  const runRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let running = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && document.visibilityState === 'visible') timer = setTimeout(run, intervalMs);
    };
    async function run() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await tickRef.current();
      } catch {
        // A tick shows its own errors; polling goes on.
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        void run();
      } else schedule();
    }
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void run();
    };
    runRef.current = () => void run();
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      runRef.current = () => {};
    };
  }, [intervalMs, active]);

  return useCallback(() => runRef.current(), []);
}
