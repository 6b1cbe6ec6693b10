import { Flags } from '@oclif/core';

/** Flags several topics share, defined once so their names and help never drift. */
export const envFlag = Flags.string({
  char: 'e',
  description: 'Environment (default: $CIRCLE_ENV, else the defaultEnv setting).',
});

export const projectFlag = Flags.boolean({
  description: "Write to the project's .circle/circle.yaml instead of your user config.",
});
