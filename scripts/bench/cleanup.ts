/**
 * Undo steps for a benchmark that starts processes, namespaces and databases: registered as each
 * resource comes up, run newest first exactly once — at the end, on an error, or on Ctrl-C.
 */
export interface Cleanup {
  /** Registers an undo step; a failing step is logged and the others still run. */
  defer(label: string, undo: () => Promise<void> | void): void;
  /** Runs every registered step (newest first); later calls wait for the same run. */
  run(): Promise<void>;
  /** On SIGINT/SIGTERM (or an uncaught error) runs the steps, then exits. Returns the uninstaller. */
  onInterrupt(): () => void;
}

export function createCleanup(log: (line: string) => void): Cleanup {
  const steps: { label: string; undo: () => Promise<void> | void }[] = [];
  let running: Promise<void> | undefined;

  const run = () => {
    running ??= (async () => {
      for (const step of steps.splice(0).reverse()) {
        try {
          await step.undo();
        } catch (error) {
          log(`cleanup: ${step.label} failed: ${(error as Error).message}`);
        }
      }
    })();
    return running;
  };

  return {
    defer(label, undo) {
      steps.push({ label, undo });
    },
    run,
    onInterrupt() {
      let exiting = false;
      const exitAfterCleanup = (code: number, why: string) => {
        // A second Ctrl-C (or tsx relaying the first) must not cut the cleanup short: the
        // listeners stay installed, so the process never falls back to dying on the signal.
        if (exiting) return;
        exiting = true;
        log(`${why}: cleaning up (agents, namespace, exporter, influxd)…`);
        void run().finally(() => process.exit(code));
      };
      const onSigint = () => exitAfterCleanup(130, 'interrupted');
      const onSigterm = () => exitAfterCleanup(143, 'terminated');
      // A throw from an event callback never reaches main's try/finally; it must not leave
      // agents and a namespace behind either.
      const onUncaught = (error: unknown) => exitAfterCleanup(2, `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      return () => {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        process.off('uncaughtException', onUncaught);
        process.off('unhandledRejection', onUncaught);
      };
    },
  };
}
