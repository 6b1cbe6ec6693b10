import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Severity } from '../report/types.js';
import type { DepsScanResult } from './scan.js';
import type { Ecosystem } from './types.js';

const PURL_TYPE: Record<Ecosystem, string> = { npm: 'npm', PyPI: 'pypi', 'crates.io': 'cargo', Go: 'golang', RubyGems: 'gem', Packagist: 'composer' };

/** A package URL (https://github.com/package-url/purl-spec) for a scanned package. */
export function toPurl(ecosystem: Ecosystem, name: string, version: string): string {
  let n = name;
  if (ecosystem === 'PyPI') n = name.toLowerCase().replace(/[-_.]+/g, '-');
  const segments = n.split('/').map((s) => encodeURIComponent(s));
  const v = ecosystem === 'Go' && version !== '' && !version.startsWith('v') ? `v${version}` : version;
  return `pkg:${PURL_TYPE[ecosystem]}/${segments.join('/')}${v === '' ? '' : `@${encodeURIComponent(v)}`}`;
}

const CDX_SEVERITY: Record<Severity, string> = { none: 'none', low: 'low', moderate: 'medium', high: 'high', critical: 'critical' };

export interface CycloneDxTool {
  name: string;
  version: string;
}

/**
 * A CycloneDX 1.5 JSON BOM: every scanned package as a library component
 * (deduplicated by purl, dev-only ones with scope `optional`) and a
 * `vulnerabilities` section with one entry per advisory, affecting the components it hits.
 */
export function toCycloneDx(result: DepsScanResult, tool: CycloneDxTool, now: Date = new Date()): object {
  const components = new Map<string, { type: 'library'; 'bom-ref': string; name: string; version?: string; purl: string; scope: 'required' | 'optional'; properties: { name: string; value: string }[] }>();
  for (const p of result.inventory) {
    const purl = toPurl(p.ecosystem, p.name, p.version);
    const existing = components.get(purl);
    if (existing) {
      if (!p.dev) existing.scope = 'required';
      if (!existing.properties.some((x) => x.value === p.lockfile)) existing.properties.push({ name: 'circle:lockfile', value: p.lockfile });
      continue;
    }
    components.set(purl, {
      type: 'library',
      'bom-ref': purl,
      name: p.name,
      ...(p.version === '' ? {} : { version: p.version }),
      purl,
      scope: p.dev ? 'optional' : 'required',
      properties: [{ name: 'circle:lockfile', value: p.lockfile }],
    });
  }
  const vulns = new Map<string, { advisory: DepsScanResult['vulnerabilities'][number]['advisories'][number]; refs: Set<string>; fixes: Set<string> }>();
  for (const v of result.vulnerabilities) {
    const ref = toPurl(v.ecosystem, v.name, v.version);
    for (const a of v.advisories) {
      const entry = vulns.get(a.id) ?? { advisory: a, refs: new Set(), fixes: new Set() };
      entry.refs.add(ref);
      if (a.fixed) entry.fixes.add(`${v.name} ${a.fixed}`);
      vulns.set(a.id, entry);
    }
  }
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: now.toISOString(),
      tools: { components: [{ type: 'application', name: tool.name, version: tool.version }] },
      component: { type: 'application', 'bom-ref': 'circle:root', name: path.basename(result.root) || 'project' },
    },
    components: [...components.values()],
    dependencies: [{ ref: 'circle:root', dependsOn: [...components.keys()] }],
    vulnerabilities: [...vulns.entries()].map(([id, { advisory: a, refs, fixes }]) => ({
      'bom-ref': `circle:vuln:${id}`,
      id,
      source: { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` },
      ...(a.aliases.length > 0 ? { references: a.aliases.map((alias) => ({ id: alias, source: { name: alias.startsWith('CVE-') ? 'NVD' : alias.startsWith('GHSA-') ? 'GitHub' : 'OSV' } })) } : {}),
      ratings: [
        {
          ...(a.score === undefined ? {} : { score: a.score }),
          severity: CDX_SEVERITY[a.severity],
          method: cvssMethod(a.vector),
          ...(a.vector === undefined ? {} : { vector: a.vector }),
        },
      ],
      description: a.summary,
      ...(fixes.size > 0 ? { recommendation: `Upgrade to ${[...fixes].join(', ')}` } : {}),
      ...(a.url ? { advisories: [{ url: a.url }] } : {}),
      affects: [...refs].map((ref) => ({ ref })),
    })),
  };
}

function cvssMethod(vector: string | undefined): string {
  if (vector?.startsWith('CVSS:4.0/')) return 'CVSSv4';
  if (vector?.startsWith('CVSS:3.1/')) return 'CVSSv31';
  if (vector?.startsWith('CVSS:3.0/')) return 'CVSSv3';
  if (vector !== undefined) return 'CVSSv2';
  return 'other';
}
