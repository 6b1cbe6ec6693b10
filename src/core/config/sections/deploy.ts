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

type DeployValues = { [K in keyof typeof deploySection]: z.output<(typeof deploySection)[K]> };

export interface DeployPolicy {
  /** Environments whose apply needs `--confirm <env>`. */
  protected: string[];
  failOn: DeployValues['deploy.policy.failOn'];
  checks: { disable: string[]; enable: string[] };
}

const commaList = (value: string): string[] => value.split(',').map((item) => item.trim()).filter(Boolean);

export function deployPolicy(values: DeployValues): DeployPolicy {
  return {
    protected: commaList(values['deploy.protected']),
    failOn: values['deploy.policy.failOn'],
    checks: { disable: commaList(values['deploy.policy.disable']), enable: commaList(values['deploy.policy.enable']) },
  };
}
