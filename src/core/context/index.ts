/**
 * The context layer: `openCircle()` gives one invocation (or one request of a
 * long-lived process) its settings, policies, audit sink, state store and
 * principal. See docs/architecture.md.
 */
import { Circle, type OpenCircleOptions } from './circle.js';

export { Circle, type OpenCircleOptions, type SettingsOverrides } from './circle.js';
export type { CircleAuditSink } from './audit-sink.js';
export type { CirclePolicies, AuthPolicies, EnvironmentPolicy, LockPolicy, ScanPolicy, SecretsPolicy } from '../config/sections/index.js';

/** A Circle whose settings are resolved lazily, on first use (what the `circle` command builds). */
export function createCircle(options: OpenCircleOptions): Circle {
  return new Circle(options);
}

/** A Circle with its settings resolved and validated up front (a bad config file fails here). */
export async function openCircle(options: OpenCircleOptions): Promise<Circle> {
  const circle = new Circle(options);
  await circle.settings();
  return circle;
}
