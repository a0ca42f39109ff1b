/** `private_key_jwt` (RFC 7523 §2.2): the client proves its identity with a short-lived signed JWT. */
import { randomUUID } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import { ToolwireConfigError } from '../../../protocol/errors.js'

export interface ClientKey {
  /** A PKCS#8 PEM private key. */
  privateKey: string
  /** @default the server's first advertised algorithm, else 'RS256' */
  signingAlgorithm?: string | undefined
}

/** A JWT for `client_assertion`, audience-bound to the authorization server, valid 5 minutes. */
export async function signClientAssertion(
  key: ClientKey,
  to: { clientId: string; audience: string; advertisedAlgorithms: readonly string[] | undefined },
): Promise<string> {
  const algorithm = key.signingAlgorithm ?? to.advertisedAlgorithms?.[0] ?? 'RS256'
  let imported: Awaited<ReturnType<typeof importPKCS8>>
  try {
    imported = await importPKCS8(key.privateKey, algorithm)
  } catch (error) {
    throw new ToolwireConfigError(
      `oauth: "privateKey" is not a PKCS#8 PEM key for ${algorithm}: ${(error as Error).message}`,
    )
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: algorithm })
    .setIssuer(to.clientId)
    .setSubject(to.clientId)
    .setAudience(to.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(imported)
}
