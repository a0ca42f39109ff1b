/**
 * A test fleet: replica processes (test/fleet/replica.ts) sharing one Redis, and nginx from the
 * system packages in front of them (round-robin, no affinity) with a config of its own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'

export interface Replica {
  name: string
  port: number
  url: string
  process: ChildProcess
}

/** Starts a replica process and waits for the port it listens on. */
export function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fleet/replica.ts'], {
    env: { ...process.env, ...env, FLEET_REPLICA: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`replica ${name} did not start in 20 s: ${stderr}`))
    }, 20_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`replica ${name} exited (${code}): ${stderr}`))
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n') && line) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        const { port } = JSON.parse(line) as { port: number }
        resolve({ name, port, url: `http://127.0.0.1:${port}/mcp`, process: child })
      }
    })
  })
}

/** Ends a process and waits for it to be gone. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const late = setTimeout(() => child.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(late)
}

/** A free TCP port on 127.0.0.1 (nginx needs a number in its config). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface Nginx extends AsyncDisposable {
  url: string
}

/** nginx round-robin (no affinity) in front of `ports`; answers carry `x-upstream`. */
export async function startNginx(ports: number[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-nginx-'))
  const port = await freePort()
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream toolwire {
    ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=30s;`).join('\n    ')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://toolwire;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 60s;
      proxy_next_upstream error timeout http_503;
      add_header x-upstream $upstream_addr always;
    }
  }
}
`
  writeFileSync(join(dir, 'nginx.conf'), conf)
  const binary = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  // Ready once it accepts connections.
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`)
    const ok = await request(`http://127.0.0.1:${port}/health`).then(
      (res) => res.body.dump().then(() => true),
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    [Symbol.asyncDispose]: async () => {
      await stop(child, 'SIGQUIT')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
