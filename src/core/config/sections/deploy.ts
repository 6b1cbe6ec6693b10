import { z } from 'zod';

const checkList = z.string().regex(/^[A-Za-z0-9_, -]*$/, 'a comma-separated list of check names');

/** `deploy.*`: which environments need `--confirm`, and the policy checks' threshold and switches. */
export const deploySection = {
  'deploy.protected': z
    .string()
    .regex(/^[a-z0-9_, -]*$/, 'a comma-separated list of environment names')
    .default('production')
    .describe('Environments whose `deploy apply` needs --confirm <env> (comma-separated).'),
  'deploy.policy.failOn': z.enum(['low', 'moderate', 'high', 'critical']).default('low').describe('Lowest severity that makes `deploy validate` exit 1 and `deploy apply` refuse.'),
  'deploy.policy.disable': checkList.default('').describe('Deploy policy checks turned off (comma-separated; kube-linter or Polaris names work too).'),
  'deploy.policy.enable': checkList.default('').describe('Opt-in deploy policy checks turned on (comma-separated), e.g. missingNetworkPolicy.'),
};
