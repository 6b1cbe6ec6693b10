export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/**
 * A spinner on stderr. ora is imported only when one is shown, so commands that
 * never show progress (pipes, CI, --json) do not pay for loading it.
 */
export function startProgress(text: string, show: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  if (!show) return silent;
  let current = text;
  let finished: { how: 'succeed' | 'fail' | 'stop'; text?: string } | undefined;
  let spinner: import('ora').Ora | undefined;
  void import('ora').then(({ default: ora }) => {
    if (finished) return;
    spinner = ora({ text: current, stream: stream as NodeJS.WriteStream }).start();
  });
  const finish = (how: 'succeed' | 'fail' | 'stop', final?: string) => {
    finished = { how, ...(final === undefined ? {} : { text: final }) };
    if (!spinner) return;
    if (how === 'stop') spinner.stop();
    else spinner[how](final);
  };
  return {
    update(next) {
      current = next;
      if (spinner) spinner.text = next;
    },
    succeed: (final) => finish('succeed', final),
    fail: (final) => finish('fail', final),
    stop: () => finish('stop'),
  };
}
