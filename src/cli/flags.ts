import { Flags } from '@oclif/core';

/** Flags several topics share, defined once so their names and help never drift. */
export const envFlag = Flags.string({
  char: 'e',
  description: 'Environment (default: $CIRCLE_ENV, else the defaultEnv setting).',
});

export const projectFlag = Flags.boolean({
  description: "Write to the project's .circle/circle.yaml instead of your user config.",
});

/** `secrets` commands: which store to use when inside a project. */
export const personalFlag = Flags.boolean({ description: 'Use your personal vault in the home even inside a project.' });

/** `secrets` commands: age identity files that open a project environment file. */
export const identityFlag = Flags.string({
  char: 'i',
  multiple: true,
  description: 'Age identity file (AGE-SECRET-KEY-1…) that is a recipient.',
});
