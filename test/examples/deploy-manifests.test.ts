/**
 * examples/deploy/: the Kubernetes manifests parse, and carry what docs/deployment.md relies on
 * (probes, drain timing, no affinity, names that refer to each other).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'

const dir = 'examples/deploy'
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, each field checked where it is read
type Manifest = Record<string, any>

const manifests: Manifest[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => {
      expect(doc.errors, file).toEqual([])
      return { ...(doc.toJS() as Manifest), file }
    }),
  )
const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name)
  expect(found, `${kind} ${name}`).toBeDefined()
  return found!
}
const envOf = (container: Manifest) =>
  Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e.value]))

describe('examples/deploy manifests', () => {
  it('every document has apiVersion, kind and a name', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6)
    for (const m of manifests) {
      expect(m.apiVersion, m.file).toMatch(/^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1)$/)
      expect(m.kind, m.file).toBeTruthy()
      expect(m.metadata?.name, m.file).toMatch(/^[a-z0-9-]+$/)
    }
  })

  it('the Deployment: replicas sharing Redis, probes, a drain that fits the grace period', () => {
    const deployment = find('Deployment', 'crm-mcp')
    expect(deployment.spec.replicas).toBeGreaterThan(1)
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels)
    const pod = deployment.spec.template.spec
    const [server] = pod.containers
    const env = envOf(server)
    expect(env.TOOLWIRE_REDIS_URL).toMatch(/^redis:\/\/crm-mcp-redis:6379$/)
    expect(env.TOOLWIRE_HOST).toBe('0.0.0.0')
    expect(server.readinessProbe.httpGet.path).toBe('/ready')
    expect(server.livenessProbe.httpGet.path).toBe('/health')
    const preStop = server.lifecycle.preStop.sleep.seconds
    const budget =
      preStop + Number(env.TOOLWIRE_DRAIN_DELAY_SECONDS) + Number(env.TOOLWIRE_SHUTDOWN_TIMEOUT_SECONDS)
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(budget)
    expect(server.ports[0].containerPort).toBe(Number(env.TOOLWIRE_PORT))
  })

  it('Service, Ingress and PodDisruptionBudget point at the Deployment, without affinity', () => {
    const labels = find('Deployment', 'crm-mcp').spec.template.metadata.labels
    const service = find('Service', 'crm-mcp')
    expect(service.spec.selector).toEqual(labels)
    expect(service.spec.sessionAffinity ?? 'None').toBe('None')
    const ingress = find('Ingress', 'crm-mcp')
    const backend = ingress.spec.rules[0].http.paths[0].backend.service
    expect(backend.name).toBe(service.metadata.name)
    expect(service.spec.ports.map((p: Manifest) => p.name)).toContain(backend.port.name)
    expect(JSON.stringify(ingress.metadata.annotations ?? {})).not.toMatch(/affinity|sticky/)
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off')
    const pdb = find('PodDisruptionBudget', 'crm-mcp')
    expect(pdb.spec.selector.matchLabels).toEqual(labels)
    expect(pdb.spec.minAvailable).toBeLessThan(find('Deployment', 'crm-mcp').spec.replicas)
    expect(find('Service', 'crm-mcp-redis').spec.ports[0].port).toBe(6379)
  })

  it('the nginx example balances without affinity and does not buffer SSE', () => {
    const conf = readFileSync(join(dir, 'nginx.conf'), 'utf8')
    expect(conf).not.toMatch(/^\s*(ip_hash|hash|sticky)\b/m)
    expect(conf).toMatch(/proxy_buffering off;/)
    expect(conf).toMatch(/proxy_http_version 1\.1;/)
    // nginx itself checks the syntax (TLS lines left out: the example's certificates do not exist).
    const work = mkdtempSync(join(tmpdir(), 'tw-nginx-t-'))
    const server = conf.replace(/^.*ssl.*$/gm, '') // -t parses; it binds nothing
    writeFileSync(
      join(work, 'nginx.conf'),
      `pid ${work}/nginx.pid;\nerror_log ${work}/error.log;\nevents {}\nhttp {\n${server}\n}\n`,
    )
    const binary = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
    const checked = spawnSync(binary, ['-t', '-p', work, '-c', join(work, 'nginx.conf')], {
      encoding: 'utf8',
    })
    rmSync(work, { recursive: true, force: true })
    expect(checked.stderr).toContain('syntax is ok')
  })
})
