/** Certificates made at test time with the openssl CLI: a CA, a server cert for 127.0.0.1, a client cert. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCerts {
  ca: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'toolwire-certs-'))
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  try {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=toolwire test CA',
    )
    const issue = (name: string, subject: string, ext: string) => {
      writeFileSync(join(dir, `${name}.ext`), ext)
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        subject,
      )
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
      )
    }
    issue(
      'server',
      '/CN=127.0.0.1',
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    )
    issue('client', '/CN=agent-42', 'extendedKeyUsage=clientAuth\n')
    const read = (file: string) => readFileSync(join(dir, file), 'utf8')
    return {
      ca: read('ca.crt'),
      serverCert: read('server.crt'),
      serverKey: read('server.key'),
      clientCert: read('client.crt'),
      clientKey: read('client.key'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
